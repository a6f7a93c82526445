//! The one mechanism for credentials that must be fetched: a [`Source`] says, step by step,
//! what it needs (an HTTP request, a program run, a file read) and turns the answers into
//! [`Fetched`] credentials. It never does any of it itself: the edge
//! (`commands::session`) carries out each [`Step`] and hands back its [`Answer`], so every
//! source (an IAM token, an STS role, an SSO portal, a metadata service, a
//! `credential_process`) is pure and unit-tested with recorded answers.
//!
//! A source is asked again with all the answers so far, so it keeps no state: `step(&[])`
//! is its first step, `step(&[a])` its second, and so on until it is [`Step::Done`].
//! Sources that need other credentials first (a role assumed with a source profile's
//! keys) run their inner source through [`after`].

use std::path::PathBuf;
use std::time::Duration;

use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};

/// An access key pair and the session token of temporary keys.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Keys {
    pub id: String,
    pub secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("id", &self.id)
            .field("secret", &"****")
            .field("token", &self.token.as_ref().map(|_| "****"))
            .finish()
    }
}

/// What a source yields: a bearer token (IAM, OAuth2) or keys to sign with.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    Bearer(String),
    Keys(Keys),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Bearer(_) => f.write_str("Bearer(****)"),
            Credential::Keys(k) => k.fmt(f),
        }
    }
}

impl Credential {
    /// The bearer token, if this is one.
    pub fn bearer(&self) -> Option<&str> {
        match self {
            Credential::Bearer(t) => Some(t),
            Credential::Keys(_) => None,
        }
    }

    /// The keys, if these are keys.
    pub fn keys(&self) -> Option<&Keys> {
        match self {
            Credential::Keys(k) => Some(k),
            Credential::Bearer(_) => None,
        }
    }

    /// Whether every part can go in a header as it is: visible ASCII only. A value with a
    /// CR, LF or other control character would fail every request it is sent with, so it
    /// is refused when fetched and never cached.
    pub fn usable(&self) -> bool {
        let ok = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic());
        match self {
            Credential::Bearer(t) => ok(t),
            Credential::Keys(k) => ok(&k.id) && ok(&k.secret) && k.token.as_deref().is_none_or(ok),
        }
    }
}

/// Credentials as fetched: what they are, when they were issued and when they stop
/// working (unix seconds; `None`: they do not expire, and are not cached on disk).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fetched {
    pub credential: Credential,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
}

/// Credentials are not used in their last five minutes, or in the last half of their life
/// when that is shorter: a call may take that long, and credentials that live 15 minutes
/// are then refreshed at minute 10 of a long batch rather than failing at minute 15.
pub const EXPIRY_MARGIN_SECS: i64 = 300;

impl Fetched {
    /// Credentials that do not expire.
    pub fn lasting(credential: Credential, now: OffsetDateTime) -> Fetched {
        Fetched {
            credential,
            issued_at: now.unix_timestamp(),
            expires_at: None,
        }
    }

    /// Credentials that stop working at `expires_at`.
    pub fn until(credential: Credential, now: OffsetDateTime, expires_at: i64) -> Fetched {
        Fetched {
            credential,
            issued_at: now.unix_timestamp(),
            expires_at: Some(expires_at),
        }
    }

    /// Whether they may still be used at `now` (unix seconds), with the margin.
    pub fn fresh(&self, now: i64) -> bool {
        let Some(end) = self.expires_at else {
            return true;
        };
        let life = end.saturating_sub(self.issued_at).max(0);
        let margin = EXPIRY_MARGIN_SECS.min(life / 2);
        end.saturating_sub(margin) > now
    }

    /// When, at the latest, they must be fetched again (unix seconds).
    pub fn refresh_at(&self) -> Option<i64> {
        let end = self.expires_at?;
        let life = end.saturating_sub(self.issued_at).max(0);
        Some(end.saturating_sub(EXPIRY_MARGIN_SECS.min(life / 2)))
    }
}

/// What a source needs next.
#[derive(Debug, Clone)]
pub enum Step {
    /// Send this request and hand back the answer. A metadata service gets a short
    /// `timeout` of its own (a service that is not there must not cost the invoke timeout);
    /// `None` uses the command's. `secret`: header names to mask in `-v`.
    Send {
        request: HttpRequest,
        timeout: Option<Duration>,
    },
    /// Run this program (no shell: the arguments as they are) with an empty stdin, and hand
    /// back its exit status, stdout and stderr.
    Run { argv: Vec<String> },
    /// Read this file.
    Read { path: PathBuf },
    /// The credentials.
    Done(Fetched),
}

/// What a step gave back.
#[derive(Debug, Clone)]
pub enum Answer {
    Http(HttpResponse),
    /// A program's exit code (`None`: killed by a signal), stdout and stderr.
    Ran {
        code: Option<i32>,
        stdout: Vec<u8>,
        stderr: Vec<u8>,
    },
    /// A file's bytes, or why it could not be read.
    Read(std::result::Result<Vec<u8>, String>),
}

impl Answer {
    /// The HTTP answer, or an internal error (a source was handed back something it did
    /// not ask for).
    pub fn http(&self) -> Result<&HttpResponse> {
        match self {
            Answer::Http(r) => Ok(r),
            other => Err(Error::Internal(format!(
                "expected an HTTP answer, got {other:?}"
            ))),
        }
    }

    /// The file's bytes; a file that could not be read is an auth error naming `what`.
    pub fn file(&self, what: &str) -> Result<&[u8]> {
        match self {
            Answer::Read(Ok(b)) => Ok(b),
            Answer::Read(Err(e)) => Err(Error::Auth(format!("cannot read {what}: {e}"))),
            other => Err(Error::Internal(format!("expected a file, got {other:?}"))),
        }
    }
}

/// Something that yields credentials, step by step.
pub trait Source: Send + Sync {
    /// The key of the on-disk cache: what the credentials are for (endpoint, identity,
    /// role, scope), hashed with [`super::fingerprint`] so no secret is in clear. Two
    /// sources with the same key must yield interchangeable credentials.
    fn cache_key(&self) -> String;

    /// What this source is, for messages and `profile show --resolve` ("STS AssumeRole
    /// arn:aws:iam::…:role/deploy with the keys of ~/.aws/credentials [dev]"). Never a
    /// secret.
    fn describe(&self) -> String;

    /// The next step, given the answers to the steps so far.
    fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step>;

    /// What stands in for the credentials in `--dry-run`, which fetches nothing.
    fn placeholder(&self) -> Credential {
        Credential::Bearer(PLACEHOLDER.into())
    }
}

/// The text that stands in for credentials not fetched (`--dry-run`).
pub const PLACEHOLDER: &str = "(fetched-when-sent)";

/// Keys that stand in for fetched keys in `--dry-run`.
pub fn placeholder_keys() -> Credential {
    Credential::Keys(Keys {
        id: PLACEHOLDER.into(),
        secret: PLACEHOLDER.into(),
        token: Some(PLACEHOLDER.into()),
    })
}

/// Run `inner` to its credentials over the first answers, then hand those and the rest of
/// the answers to `then`: how a source that needs other credentials first (a role assumed
/// with a source profile's keys) is written without keeping state.
pub fn after(
    inner: &dyn Source,
    answers: &[Answer],
    now: OffsetDateTime,
    then: impl FnOnce(Fetched, &[Answer]) -> Result<Step>,
) -> Result<Step> {
    for used in 0..=answers.len() {
        match inner.step(&answers[..used], now)? {
            Step::Done(fetched) => return then(fetched, &answers[used..]),
            step if used == answers.len() => return Ok(step),
            _ => {}
        }
    }
    unreachable!("the loop returns at used == answers.len()")
}

/// A source of one request: `request` first, then `parse` of its answer.
pub fn one_request(
    request: impl FnOnce() -> HttpRequest,
    answers: &[Answer],
    parse: impl FnOnce(&HttpResponse) -> Result<Fetched>,
) -> Result<Step> {
    match answers {
        [] => Ok(Step::Send {
            request: request(),
            timeout: None,
        }),
        [a, ..] => parse(a.http()?).map(Step::Done),
    }
}

/// Credentials that are already there (static keys): one step, no fetch.
pub struct Given {
    pub credential: Credential,
    pub what: String,
}

impl Source for Given {
    fn cache_key(&self) -> String {
        String::new()
    }

    fn describe(&self) -> String {
        self.what.clone()
    }

    fn step(&self, _: &[Answer], now: OffsetDateTime) -> Result<Step> {
        Ok(Step::Done(Fetched::lasting(self.credential.clone(), now)))
    }
}

/// An RFC 3339 time (`2026-12-02T10:00:00Z`) as unix seconds.
pub fn rfc3339(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(id: &str) -> Credential {
        Credential::Keys(Keys {
            id: id.into(),
            secret: "s".into(),
            token: Some("t".into()),
        })
    }

    #[test]
    fn freshness_keeps_a_margin_of_at_most_half_the_life() {
        let now = OffsetDateTime::from_unix_timestamp(1_000).unwrap();
        // 15-minute credentials: used for 10 minutes
        let f = Fetched::until(keys("a"), now, 1_900);
        assert!(f.fresh(1_599));
        assert!(!f.fresh(1_600));
        assert_eq!(f.refresh_at(), Some(1_600));
        // 4-second credentials (the emulator's short lifetime): used for 2 seconds
        let f = Fetched::until(keys("a"), now, 1_004);
        assert!(f.fresh(1_001));
        assert!(!f.fresh(1_002));
        // already expired, or a tampered cache entry: never fresh
        assert!(!Fetched::until(keys("a"), now, 900).fresh(1_000));
        let f = Fetched {
            credential: keys("a"),
            issued_at: i64::MAX,
            expires_at: Some(i64::MIN),
        };
        assert!(!f.fresh(0));
        assert!(Fetched::lasting(keys("a"), now).fresh(i64::MAX));
    }

    #[test]
    fn credentials_that_cannot_be_sent_are_not_usable() {
        for bad in ["a\r\nX-Injected: 1", "a b", "", "tok\u{7f}"] {
            assert!(!Credential::Bearer(bad.into()).usable(), "{bad:?}");
            assert!(!keys(bad).usable(), "{bad:?}");
        }
        assert!(keys("AKID").usable());
        let no_token = Credential::Keys(Keys {
            id: "a".into(),
            secret: "b".into(),
            token: None,
        });
        assert!(no_token.usable());
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let shown = format!(
            "{:?} {:?}",
            keys("AKID"),
            Credential::Bearer("tok123".into())
        );
        assert!(shown.contains("AKID"));
        assert!(!shown.contains("\"s\"") && !shown.contains("\"t\"") && !shown.contains("tok123"));
    }

    /// A source of two requests, then keys named after the two answers' bodies.
    struct Two;
    impl Source for Two {
        fn cache_key(&self) -> String {
            "two".into()
        }
        fn describe(&self) -> String {
            "two".into()
        }
        fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step> {
            let body = |a: &Answer| String::from_utf8_lossy(&a.http().unwrap().body).into_owned();
            Ok(match answers {
                [] | [_] => Step::Send {
                    request: HttpRequest::new("GET", "http://x", &format!("/{}", answers.len())),
                    timeout: None,
                },
                [a, b, ..] => Step::Done(Fetched::lasting(
                    keys(&format!("{}{}", body(a), body(b))),
                    now,
                )),
            })
        }
    }

    fn http(body: &str) -> Answer {
        Answer::Http(HttpResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        })
    }

    #[test]
    fn after_runs_the_inner_source_first_then_the_outer_steps() {
        let now = OffsetDateTime::from_unix_timestamp(0).unwrap();
        let outer = |answers: &[Answer]| {
            after(&Two, answers, now, |inner, rest| {
                let id = inner.credential.keys().unwrap().id.clone();
                Ok(match rest {
                    [] => Step::Send {
                        request: HttpRequest::new("POST", "http://sts", &format!("/{id}")),
                        timeout: None,
                    },
                    [a, ..] => Step::Done(Fetched::lasting(
                        keys(&format!(
                            "{id}+{}",
                            String::from_utf8_lossy(&a.http()?.body)
                        )),
                        now,
                    )),
                })
            })
        };
        let path = |s: Step| match s {
            Step::Send { request, .. } => request.path,
            other => panic!("{other:?}"),
        };
        assert_eq!(path(outer(&[]).unwrap()), "/0");
        assert_eq!(path(outer(&[http("a")]).unwrap()), "/1");
        assert_eq!(path(outer(&[http("a"), http("b")]).unwrap()), "/ab");
        match outer(&[http("a"), http("b"), http("c")]).unwrap() {
            Step::Done(f) => assert_eq!(f.credential.keys().unwrap().id, "ab+c"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn answers_of_the_wrong_kind_are_internal_errors_and_unreadable_files_auth_errors() {
        assert!(matches!(
            Answer::Read(Ok(vec![])).http(),
            Err(Error::Internal(_))
        ));
        let e = Answer::Read(Err("No such file".into()))
            .file("the web identity token file /t")
            .unwrap_err();
        assert!(matches!(&e, Error::Auth(m) if m.contains("/t") && m.contains("No such file")));
    }
}
