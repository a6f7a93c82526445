//! A provider, a transport and the provider's token, for the requests of one command.
//!
//! Every request goes through [`Session::send`]: it is built (and signed) afresh for each
//! attempt, and when the provider answers 401 to a token that came from the cache, the
//! token is dropped, fetched once more and the request sent again (a 401 ran nothing).
//!
//! A session is shared by reference (`&self`), so the concurrent invocations of `batch`
//! use one token: it is fetched once (under a lock, so concurrent first sends wait for the
//! one fetch), and a 401 to a cached token is answered by one refetch however many
//! requests saw it.

use time::OffsetDateTime;

use crate::credentials::{TokenCache, TokenSource};
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};
use crate::providers::Provider;
use crate::transport::{self, Policy, Received, Transport};

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The token in use: its value, whether it came from the on-disk cache, and a generation
/// that changes on every fetch (so one 401 refetches once, not once per request).
#[derive(Default)]
struct TokenState {
    token: Option<(String, bool)>,
    generation: u64,
}

pub struct Session<'a> {
    pub provider: &'a dyn Provider,
    pub transport: Transport,
    cache: Option<TokenCache>,
    token: tokio::sync::Mutex<TokenState>,
    verbose: bool,
    retry_sync: bool,
    /// Credentials the server asked for with a 401 challenge: sent with every later request.
    challenged: std::sync::Mutex<Option<(String, String)>>,
    /// Whether the plain-http warning was given.
    warned_clear: std::sync::atomic::AtomicBool,
}

impl<'a> Session<'a> {
    pub fn new(provider: &'a dyn Provider, net: &transport::Options) -> Result<Session<'a>> {
        if net.insecure {
            super::warn("--insecure: TLS certificates are not verified, so anyone on the way can read and change this exchange");
        }
        let cache = TokenCache::from_env(&crate::env::process);
        if let (Some(c), Some(_)) = (&cache, provider.tokens()) {
            // a cache another user may write could hand this command their token
            if let Some((problem, fix)) = crate::config::ownership_problem(c.dir()) {
                return Err(crate::error::Error::Config(format!(
                    "token cache {}: {problem}: its tokens are not used; fix it with `{fix}`",
                    c.dir().display()
                )));
            }
        }
        Ok(Session {
            provider,
            transport: Transport::new(net.clone())?,
            retry_sync: net.retry_sync,
            cache,
            token: tokio::sync::Mutex::default(),
            verbose: net.verbose,
            challenged: std::sync::Mutex::default(),
            warned_clear: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Get the token now (from the cache or the provider) if the auth mode needs one, so
    /// that a failure shows before any invocation is sent.
    pub async fn prepare(&self) -> Result<()> {
        self.current_token().await.map(|_| ())
    }

    /// The token to use (and its generation), fetching it if there is none yet.
    async fn current_token(&self) -> Result<(Option<(String, bool)>, u64)> {
        let mut state = self.token.lock().await;
        if state.token.is_none() {
            if let Some(src) = self.token_source() {
                let cached = self
                    .cache
                    .as_ref()
                    .and_then(|c| c.get(&src.cache_key, now().unix_timestamp()));
                state.token = Some(match cached {
                    Some(t) => (t.value, true),
                    None => (self.fetch_token().await?, false),
                });
                state.generation += 1;
            }
        }
        Ok((state.token.clone(), state.generation))
    }

    /// After a 401 to the token of generation `seen`: drop it from the cache and fetch a
    /// new one, unless another request has done so already.
    async fn refresh_token(&self, seen: u64) -> Result<Option<(String, bool)>> {
        let mut state = self.token.lock().await;
        if state.generation == seen {
            if let (Some(src), Some(cache)) = (self.token_source(), &self.cache) {
                cache.remove(&src.cache_key);
            }
            state.token = None;
            state.token = Some((self.fetch_token().await?, false));
            state.generation += 1;
        }
        Ok(state.token.clone())
    }

    /// Where the token comes from, if this auth mode fetches one.
    fn token_source(&self) -> Option<TokenSource> {
        self.provider.tokens().map(|t| t.token_source())
    }

    /// Ask the provider for a token and cache it.
    async fn fetch_token(&self) -> Result<String> {
        let Some(tokens) = self.provider.tokens() else {
            return Err(crate::providers::Capability::FetchesToken.missing(self.provider.product()));
        };
        let src = tokens.token_source();
        self.warn_if_in_clear(&src.request, true);
        let policy = Policy {
            secret: self.provider.secret_headers(),
            timeout_hint: None,
            retry_throttled: true,
            retry_after_send: false,
        };
        let resp = self
            .transport
            .execute(|| Ok(src.request.clone()), &policy)
            .await?;
        let token = tokens.parse_token(&resp, now())?;
        if !token.usable() {
            return Err(crate::error::Error::Refused(format!(
                "{} answered with a token that cannot be sent in a header (it is empty or holds a space or control character): it is not cached; check the token endpoint",
                self.provider.product()
            )));
        }
        if let Some(cache) = &self.cache {
            if let Err(e) = cache.put(&src.cache_key, &token) {
                if self.verbose {
                    eprintln!("could not cache the token: {e}");
                }
            }
        }
        Ok(token.value)
    }

    /// One warning per command when credentials go over plain `http://` to a host other
    /// than this machine: anyone on the way can read them.
    /// `always`: the request carries credentials wherever they are (a token request's body).
    fn warn_if_in_clear(&self, req: &HttpRequest, always: bool) {
        let secret = self.provider.secret_headers();
        let carries = always
            || req
                .headers
                .iter()
                .any(|(k, _)| secret.iter().any(|s| s.eq_ignore_ascii_case(k)));
        if !carries || !req.base.to_ascii_lowercase().starts_with("http://") {
            return;
        }
        let host = req.host();
        let name = match host.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => host,
        };
        let loopback = name.eq_ignore_ascii_case("localhost")
            || name
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !loopback
            && !self
                .warned_clear
                .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            super::warn(&format!(
                "credentials go to {host} over plain http://, readable by anyone on the way: use https://"
            ));
        }
    }

    /// Send what `build(token, now)` makes. `retry_throttled`: whether a 429/503 may be
    /// retried (never for a call that may have run the function).
    pub async fn send(
        &self,
        build: impl Fn(Option<&str>, OffsetDateTime) -> Result<HttpRequest>,
        retry_throttled: bool,
    ) -> Result<HttpResponse> {
        match self
            .send_streaming(build, retry_throttled, &|_| false)
            .await?
        {
            Received::Whole(r) => Ok(r),
            Received::Streaming(s) => s.read_whole().await,
        }
    }

    /// Like [`Session::send`], but an answer for which `stream(head)` holds is returned with
    /// its body still on the wire ([`Transport::execute_streaming`]).
    pub async fn send_streaming(
        &self,
        build: impl Fn(Option<&str>, OffsetDateTime) -> Result<HttpRequest>,
        retry_throttled: bool,
        stream: &dyn Fn(&HttpResponse) -> bool,
    ) -> Result<Received> {
        let answered = self.challenged.lock().unwrap().clone();
        let build = |token: Option<&str>, now: OffsetDateTime| {
            let mut req = build(token, now)?;
            crate::http::check_path(&req.path).map_err(crate::error::Error::Usage)?;
            self.warn_if_in_clear(&req, false);
            if let Some((name, value)) = self.challenged.lock().unwrap().as_ref() {
                req.set_header(name, value.clone());
            }
            Ok(req)
        };
        let (token, generation) = self.current_token().await?;
        let policy = Policy {
            secret: self.provider.secret_headers(),
            timeout_hint: self.provider.timeout_hint(),
            retry_throttled: retry_throttled || self.retry_sync,
            retry_after_send: self.retry_sync,
        };
        let received = self
            .transport
            .execute_streaming(
                || build(token.as_ref().map(|t| t.0.as_str()), now()),
                &policy,
                stream,
            )
            .await?;
        let unauthorized = match &received {
            Received::Whole(r) => r.status == 401,
            Received::Streaming(s) => s.head().status == 401,
        };
        if !unauthorized {
            return Ok(received);
        }
        // credentials sent only to a server that asks for them (a 401 ran nothing)
        if answered.is_none() {
            let head = match &received {
                Received::Whole(r) => r,
                Received::Streaming(s) => s.head(),
            };
            if let Some(header) = self.provider.challenge_response(head) {
                *self.challenged.lock().unwrap() = Some(header);
                return self
                    .transport
                    .execute_streaming(
                        || build(token.as_ref().map(|t| t.0.as_str()), now()),
                        &policy,
                        stream,
                    )
                    .await;
            }
        }
        if !token.as_ref().is_some_and(|t| t.1) {
            return Ok(received);
        }
        // a cached token the provider no longer takes: fetch once more
        let token = self.refresh_token(generation).await?;
        self.transport
            .execute_streaming(
                || build(token.as_ref().map(|t| t.0.as_str()), now()),
                &policy,
                stream,
            )
            .await
    }
}
