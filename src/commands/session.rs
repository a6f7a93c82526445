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

use crate::credentials::{Answer, Credential, Fetched, Source, Step, TokenCache};
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};
use crate::providers::Provider;
use crate::transport::{self, Policy, Received, Transport};

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The credentials in use: what was fetched, whether it came from the on-disk cache, and
/// a generation that changes on every fetch (so one 401 refetches once, not once per
/// request).
#[derive(Default)]
struct TokenState {
    token: Option<(Fetched, bool)>,
    generation: u64,
}

/// The most steps a credential source may take: a chain of roles is a few requests, a
/// source that never ends is a bug.
const MAX_STEPS: usize = 32;

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

type Current = (Option<Credential>, bool, u64);

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

    /// Get the credentials now (from the cache or their source) if the auth mode fetches
    /// them, so that a failure shows before any invocation is sent.
    pub async fn prepare(&self) -> Result<()> {
        self.current_token().await.map(|_| ())
    }

    /// The credentials to use, whether they came from the cache, and their generation;
    /// fetched if there are none yet or they are about to expire (so a long batch or
    /// `--wait` refreshes them in the middle, once, under the lock).
    async fn current_token(&self) -> Result<Current> {
        let mut state = self.token.lock().await;
        let stale = state
            .token
            .as_ref()
            .is_none_or(|(t, _)| !t.fresh(now().unix_timestamp()));
        if stale {
            if let Some(src) = self.provider.tokens() {
                let key = src.cache_key();
                let cached = self
                    .cache
                    .as_ref()
                    .filter(|_| !key.is_empty())
                    .and_then(|c| c.get(&key, now().unix_timestamp()));
                state.token = Some(match cached {
                    Some(t) => (t, true),
                    None => (self.fetch_token(src).await?, false),
                });
                state.generation += 1;
            }
        }
        Ok(current(&state))
    }

    /// After a 401 to the credentials of generation `seen`: drop them from the cache and
    /// fetch new ones, unless another request has done so already.
    async fn refresh_token(&self, seen: u64) -> Result<Current> {
        let mut state = self.token.lock().await;
        if state.generation == seen {
            if let Some(src) = self.provider.tokens() {
                if let Some(cache) = &self.cache {
                    cache.remove(&src.cache_key());
                }
                state.token = None;
                state.token = Some((self.fetch_token(src).await?, false));
                state.generation += 1;
            }
        }
        Ok(current(&state))
    }

    /// Run `src` to its credentials, step by step, and cache them if they expire.
    async fn fetch_token(&self, src: &dyn Source) -> Result<Fetched> {
        let mut answers = Vec::new();
        let fetched = loop {
            if answers.len() > MAX_STEPS {
                return Err(crate::error::Error::Internal(format!(
                    "{} took more than {MAX_STEPS} steps",
                    src.describe()
                )));
            }
            let answer = match src.step(&answers, now())? {
                Step::Done(f) => break f,
                Step::Send { request, timeout } => {
                    Answer::Http(self.send_for_credentials(request, timeout).await?)
                }
                Step::Run { argv } => super::credential_process::run(&argv).await?,
                Step::Read { path } => Answer::Read(
                    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display())),
                ),
            };
            answers.push(answer);
        };
        if !fetched.credential.usable() {
            return Err(crate::error::Error::Refused(format!(
                "{} gave credentials that cannot be sent in a header (empty, or holding a space or control character): they are not cached",
                src.describe()
            )));
        }
        if let (Some(cache), Some(_)) = (&self.cache, fetched.expires_at) {
            let key = src.cache_key();
            if !key.is_empty() {
                if let Err(e) = cache.put(&key, &fetched) {
                    if self.verbose {
                        eprintln!("could not cache the credentials: {e}");
                    }
                }
            }
        }
        Ok(fetched)
    }

    /// One request of a credential source, with throttling retried (nothing ran) and, for
    /// a metadata service, a short timeout of its own.
    async fn send_for_credentials(
        &self,
        request: HttpRequest,
        timeout: Option<std::time::Duration>,
    ) -> Result<HttpResponse> {
        self.warn_if_in_clear(&request, true);
        let policy = Policy {
            secret: CREDENTIAL_HEADERS,
            timeout_hint: None,
            retry_throttled: true,
            retry_after_send: false,
        };
        let host = request.host().to_string();
        let send = self.transport.execute(|| Ok(request.clone()), &policy);
        let answer = match timeout {
            None => send.await,
            Some(t) => tokio::time::timeout(t, send).await.unwrap_or_else(|_| {
                Err(crate::error::Error::Auth(format!(
                    "{host} did not answer within {} ms: no credentials from it (is this machine where that service runs?)",
                    t.as_millis()
                )))
            }),
        };
        // no credentials is an auth failure (exit 3), however the service failed to give them
        answer.map_err(|e| match e {
            crate::error::Error::Transport(m) | crate::error::Error::Uncertain(m) => {
                crate::error::Error::Auth(format!("no credentials from {host}: {m}"))
            }
            other => other,
        })
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
        if !crate::http::is_loopback_host(host)
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
        build: impl Fn(Option<&Credential>, OffsetDateTime) -> Result<HttpRequest>,
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
        build: impl Fn(Option<&Credential>, OffsetDateTime) -> Result<HttpRequest>,
        retry_throttled: bool,
        stream: &dyn Fn(&HttpResponse) -> bool,
    ) -> Result<Received> {
        let answered = self.challenged.lock().unwrap().clone();
        let build = |token: Option<&Credential>, now: OffsetDateTime| {
            let mut req = build(token, now)?;
            crate::http::check_path(&req.path).map_err(crate::error::Error::Usage)?;
            self.warn_if_in_clear(&req, false);
            if let Some((name, value)) = self.challenged.lock().unwrap().as_ref() {
                req.set_header(name, value.clone());
            }
            Ok(req)
        };
        let (token, cached, generation) = self.current_token().await?;
        let policy = Policy {
            secret: self.provider.secret_headers(),
            timeout_hint: self.provider.timeout_hint(),
            retry_throttled: retry_throttled || self.retry_sync,
            retry_after_send: self.retry_sync,
        };
        let received = self
            .transport
            .execute_streaming(|| build(token.as_ref(), now()), &policy, stream)
            .await?;
        let unauthorized = match &received {
            Received::Whole(r) => self.provider.credentials_rejected(r),
            Received::Streaming(s) => self.provider.credentials_rejected(s.head()),
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
                    .execute_streaming(|| build(token.as_ref(), now()), &policy, stream)
                    .await;
            }
        }
        if !cached {
            return Ok(received);
        }
        // cached credentials the provider no longer takes: fetch once more
        let (token, _, _) = self.refresh_token(generation).await?;
        self.transport
            .execute_streaming(|| build(token.as_ref(), now()), &policy, stream)
            .await
    }
}

/// The credentials in `state`, whether they came from the cache, and their generation.
fn current(state: &TokenState) -> Current {
    match &state.token {
        Some((t, cached)) => (Some(t.credential.clone()), *cached, state.generation),
        None => (None, false, state.generation),
    }
}

/// Headers of credential requests whose values are secrets (masked in `-v`).
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "x-amz-security-token",
    "x-amz-sso_bearer_token",
    "x-aws-ec2-metadata-token",
    "x-aliyun-ecs-metadata-token",
    "x-metadata-token",
    "x-security-token",
    "x-auth-token",
    "x-subject-token",
];
