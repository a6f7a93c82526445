//! Fetched credentials (IAM and OAuth2 tokens, STS and metadata keys) cached on disk until
//! shortly before they expire, so that many invocations in one CI job fetch them once; how
//! they are fetched is [`source`].
//!
//! Files live under `$FCALL_CACHE_DIR`, else the platform cache dir (`fcall/tokens/`),
//! one per credential fingerprint, created with mode 0600 and replaced atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::env::Env;

pub mod source;

pub use self::source::{
    after, one_request, rfc3339, Answer, Credential, Fetched, Given, Keys, Source, Step,
    EXPIRY_MARGIN_SECS,
};

/// A stable, non-reversible key for a set of identity parts (endpoint, user, secret...).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// 32 hex characters that cannot be guessed: std's randomly seeded hasher (OS randomness)
/// mixed with the clock and the process id.
pub fn random_hex() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut parts = Vec::new();
    for _ in 0..2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        parts.push(h.finish().to_string());
    }
    parts.push(std::process::id().to_string());
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    fingerprint(&refs)
}

#[derive(Debug, Clone)]
pub struct TokenCache {
    dir: PathBuf,
}

impl TokenCache {
    /// The cache the environment points at; `None` when no cache dir can be determined
    /// (tokens are then fetched every time).
    pub fn from_env(env: Env) -> Option<TokenCache> {
        let dir = match env("FCALL_CACHE_DIR").filter(|d| !d.is_empty()) {
            Some(d) => PathBuf::from(d),
            None => dirs::cache_dir()?.join("fcall"),
        };
        Some(TokenCache {
            dir: dir.join("tokens"),
        })
    }

    pub fn at(dir: &Path) -> TokenCache {
        TokenCache {
            dir: dir.to_path_buf(),
        }
    }

    /// The directory the tokens are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// Cached credentials still good at `now` (with the margin), if any.
    pub fn get(&self, key: &str, now: i64) -> Option<Fetched> {
        let bytes = std::fs::read(self.file(key)).ok()?;
        let token: Fetched = serde_json::from_slice(&bytes).ok()?;
        (token.credential.usable() && token.expires_at.is_some() && token.fresh(now))
            .then_some(token)
    }

    /// Store credentials (0600, temp file + rename). Failures are reported, not fatal to
    /// the caller.
    pub fn put(&self, key: &str, token: &Fetched) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        set_private(tmp.as_file())?;
        tmp.write_all(&serde_json::to_vec(token)?)?;
        tmp.as_file().sync_all()?;
        tmp.persist(self.file(key)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Forget credentials the provider no longer accepts.
    pub fn remove(&self, key: &str) {
        let _ = std::fs::remove_file(self.file(key));
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

fn set_private(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
        assert!(!fingerprint(&["secret-password"]).contains("secret"));
    }

    #[test]
    fn random_hex_differs_each_time() {
        let (a, b) = (random_hex(), random_hex());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    fn bearer(value: &str, expires_at: i64) -> Fetched {
        Fetched {
            credential: Credential::Bearer(value.into()),
            issued_at: 0,
            expires_at: Some(expires_at),
        }
    }

    #[test]
    fn tokens_that_cannot_be_sent_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::at(&dir.path().join("tokens"));
        for bad in ["a\r\nX-Injected: 1", "a b", "", "tok\u{7f}"] {
            cache.put("k", &bearer(bad, 10_000)).unwrap();
            assert_eq!(
                cache.get("k", 0),
                None,
                "{bad:?} is not taken from the cache"
            );
        }
        // a tampered cache file cannot overflow the expiry check
        cache.put("k", &bearer("tok", i64::MIN)).unwrap();
        assert_eq!(cache.get("k", 0), None);
        // credentials that do not expire are never taken from the cache
        let mut lasting = bearer("tok", 0);
        lasting.expires_at = None;
        cache.put("k", &lasting).unwrap();
        assert_eq!(cache.get("k", 0), None);
    }

    #[test]
    fn put_get_expire_remove() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::at(&dir.path().join("tokens"));
        let t = bearer("tok", 10_000);
        cache.put("k", &t).unwrap();
        assert_eq!(cache.get("k", 1_000), Some(t.clone()));
        // inside the margin the token counts as expired
        assert_eq!(cache.get("k", 10_000 - EXPIRY_MARGIN_SECS), None);
        assert_eq!(cache.get("other", 1_000), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tokens/k.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        cache.remove("k");
        assert_eq!(cache.get("k", 1_000), None);
    }

    #[test]
    fn corrupt_cache_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TokenCache::at(dir.path());
        std::fs::write(dir.path().join("k.json"), b"not json").unwrap();
        assert_eq!(cache.get("k", 0), None);
    }
}
