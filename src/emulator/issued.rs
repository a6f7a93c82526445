//! Temporary keys the emulator issues (AWS STS and SSO, the metadata services, Alibaba
//! STS, Huawei's security tokens), shared by every provider's routes: each issue is counted
//! (`credentials.issued` and `credentials.issued.SOURCE` in `/_emulator/stats`, so tests
//! can see that a batch fetched once), and the invoke routes take a temporary key only with
//! its session token and only until it expires.

use std::sync::atomic::Ordering;

use time::OffsetDateTime;

use super::State;

/// A temporary key pair, its session token and when it expires (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: String,
    pub secret: String,
    pub token: String,
    pub expires_at: i64,
}

impl Issued {
    /// The expiry as RFC 3339 (`2026-12-02T10:00:00Z`), as the services write it.
    pub fn expiration(&self) -> String {
        OffsetDateTime::from_unix_timestamp(self.expires_at)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default()
    }
}

/// Why a temporary key was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its session token is past its expiry.
    Expired,
    /// The request carries no session token, or another key's.
    WrongToken,
}

impl State {
    /// Issue a temporary key pair for `source` ("aws.sts.assume_role"...), valid for the
    /// emulator's credential lifetime (`--credential-ttl`), and count it.
    pub(crate) fn issue_keys(&self, source: &str, prefix: &str, now: OffsetDateTime) -> Issued {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let issued = Issued {
            id: format!("{prefix}{n:016}"),
            secret: format!("tmpsecret{n}{}", crate::credentials::random_hex()),
            token: format!("tmptoken{n}{}", crate::credentials::random_hex()),
            expires_at: now.unix_timestamp() + self.creds.credential_ttl,
        };
        self.issued_keys
            .lock()
            .unwrap()
            .insert(issued.id.clone(), issued.clone());
        self.count("credentials.issued");
        self.count(&format!("credentials.issued.{source}"));
        issued
    }

    /// The secret of access key `id`: the emulator's own key, or a temporary one it issued.
    pub(crate) fn secret_of(&self, id: &str) -> Option<String> {
        if id == self.creds.access_key {
            return Some(self.creds.secret_key.clone());
        }
        self.issued_keys
            .lock()
            .unwrap()
            .get(id)
            .map(|i| i.secret.clone())
    }

    /// Whether access key `id`, which signed a request that carries session token `token`,
    /// is taken at `now`: the emulator's own key needs no token; a temporary key needs its
    /// own, unexpired.
    pub(crate) fn check_session(
        &self,
        id: &str,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), Refusal> {
        if id == self.creds.access_key {
            return Ok(());
        }
        let issued = self.issued_keys.lock().unwrap().get(id).cloned();
        match issued {
            Some(i) if token != Some(i.token.as_str()) => {
                self.count("credentials.refused.token");
                Err(Refusal::WrongToken)
            }
            Some(i) if i.expires_at <= now.unix_timestamp() => {
                self.count("credentials.refused.expired");
                Err(Refusal::Expired)
            }
            Some(_) => Ok(()),
            None => Err(Refusal::WrongToken),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(ttl: i64) -> State {
        let mut creds = crate::emulator::sdk_tests::credentials();
        creds.credential_ttl = ttl;
        State::new(creds)
    }

    #[test]
    fn issued_keys_work_with_their_token_until_they_expire() {
        let st = state(60);
        let t0 = OffsetDateTime::from_unix_timestamp(1_000).unwrap();
        let k = st.issue_keys("aws.sts.assume_role", "ASIA", t0);
        assert!(k.id.starts_with("ASIA"));
        assert_eq!(k.expires_at, 1_060);
        assert_eq!(st.secret_of(&k.id), Some(k.secret.clone()));
        assert_eq!(st.check_session(&k.id, Some(&k.token), t0), Ok(()));
        assert_eq!(st.check_session(&k.id, None, t0), Err(Refusal::WrongToken));
        assert_eq!(
            st.check_session(&k.id, Some("other"), t0),
            Err(Refusal::WrongToken)
        );
        let later = OffsetDateTime::from_unix_timestamp(1_060).unwrap();
        assert_eq!(
            st.check_session(&k.id, Some(&k.token), later),
            Err(Refusal::Expired)
        );
        assert_eq!(st.counter("credentials.issued"), 1);
        assert_eq!(st.counter("credentials.issued.aws.sts.assume_role"), 1);
        // the emulator's own key needs no token
        assert_eq!(
            st.check_session(&st.creds.access_key.clone(), None, later),
            Ok(())
        );
        assert_eq!(st.secret_of("nosuch"), None);
        assert!(k.expiration().starts_with("1970-01-01T00:17:40"));
    }
}
