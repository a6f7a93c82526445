//! A provider, a transport and the provider's token, for the requests of one command.
//!
//! Every request goes through [`Session::send`]: it is built (and signed) afresh for each
//! attempt, and when the provider answers 401 to a token that came from the cache, the
//! token is dropped, fetched once more and the request sent again (a 401 ran nothing).

use std::time::Duration;

use time::OffsetDateTime;

use super::process_env;
use crate::credentials::TokenCache;
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};
use crate::providers::Provider;
use crate::transport::{self, Policy, Transport};

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Network settings from the command line.
pub struct NetOptions {
    pub timeout: u64,
    pub connect_timeout: u64,
    pub retries: u32,
    pub verbose: bool,
}

pub struct Session<'a> {
    pub provider: &'a dyn Provider,
    pub transport: Transport,
    cache: Option<TokenCache>,
    /// The token in use and whether it came from the cache.
    token: Option<(String, bool)>,
    verbose: bool,
}

impl<'a> Session<'a> {
    pub fn new(provider: &'a dyn Provider, net: &NetOptions) -> Result<Session<'a>> {
        Ok(Session {
            provider,
            transport: Transport::new(transport::Options {
                timeout: Duration::from_secs(net.timeout.max(1)),
                connect_timeout: Duration::from_secs(net.connect_timeout.max(1)),
                retries: net.retries,
                verbose: net.verbose,
            })?,
            cache: TokenCache::from_env(&process_env),
            token: None,
            verbose: net.verbose,
        })
    }

    /// Make sure a token is at hand if the auth mode needs one: cached, or fetched now.
    async fn ensure_token(&mut self, fresh: bool) -> Result<()> {
        let Some(src) = self.provider.token_source() else {
            return Ok(());
        };
        if !fresh {
            if self.token.is_some() {
                return Ok(());
            }
            if let Some(t) = self
                .cache
                .as_ref()
                .and_then(|c| c.get(&src.cache_key, now().unix_timestamp()))
            {
                self.token = Some((t.value, true));
                return Ok(());
            }
        }
        let policy = Policy {
            secret: self.provider.secret_headers(),
            timeout_hint: None,
            retry_throttled: true,
        };
        let resp = self
            .transport
            .execute(|| Ok(src.request.clone()), &policy)
            .await?;
        let token = self.provider.parse_token(&resp, now())?;
        if let Some(cache) = &self.cache {
            if let Err(e) = cache.put(&src.cache_key, &token) {
                if self.verbose {
                    eprintln!("could not cache the token: {e}");
                }
            }
        }
        self.token = Some((token.value, false));
        Ok(())
    }

    /// Send what `build(token, now)` makes. `retry_throttled`: whether a 429/503 may be
    /// retried (never for a call that may have run the function).
    pub async fn send(
        &mut self,
        build: impl Fn(Option<&str>, OffsetDateTime) -> Result<HttpRequest>,
        retry_throttled: bool,
    ) -> Result<HttpResponse> {
        self.ensure_token(false).await?;
        let policy = Policy {
            secret: self.provider.secret_headers(),
            timeout_hint: self.provider.timeout_hint(),
            retry_throttled,
        };
        let token = self.token.clone();
        let resp = self
            .transport
            .execute(
                || build(token.as_ref().map(|t| t.0.as_str()), now()),
                &policy,
            )
            .await?;
        if resp.status != 401 || !token.as_ref().is_some_and(|t| t.1) {
            return Ok(resp);
        }
        // a cached token the provider no longer takes: fetch once more
        if let (Some(src), Some(cache)) = (self.provider.token_source(), &self.cache) {
            cache.remove(&src.cache_key);
        }
        self.ensure_token(true).await?;
        let token = self.token.clone();
        self.transport
            .execute(
                || build(token.as_ref().map(|t| t.0.as_str()), now()),
                &policy,
            )
            .await
    }
}
