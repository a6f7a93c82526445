//! Provider-neutral values: what the user asked for ([`Invocation`]) and what came
//! back ([`Outcome`]). Providers translate between these and HTTP.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::decode::{DecodedLog, InvokeSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Sync,
    Async,
}

/// One invocation as the user asked for it.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The function as written on the command line (name, package/name, URN...).
    pub function: String,
    /// The payload; `None` when none was given (providers pick their own empty body).
    pub payload: Option<Vec<u8>>,
    pub content_type: String,
    pub mode: Mode,
    pub tail: bool,
    pub qualifier: Option<String>,
    pub method: Option<String>,
    pub query: Vec<(String, String)>,
    /// Extra request headers from `-H`.
    pub headers: Vec<(String, String)>,
    pub callback_url: Option<String>,
    /// The caller's id for an async invocation (FC stateful async invocation id...).
    pub invocation_id: Option<String>,
    /// Whether the caller will wait for an async invocation to finish.
    pub wait: bool,
    /// Ask the provider to check the call without running the function (Lambda DryRun).
    pub validate_only: bool,
}

impl Invocation {
    pub fn new(function: &str) -> Self {
        Invocation {
            function: function.to_string(),
            payload: None,
            content_type: "application/json".to_string(),
            mode: Mode::Sync,
            tail: false,
            qualifier: None,
            method: None,
            query: Vec::new(),
            headers: Vec::new(),
            callback_url: None,
            invocation_id: None,
            wait: false,
            validate_only: false,
        }
    }
}

/// The function ran and reported a failure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionError {
    pub kind: String,
    pub message: String,
}

/// What an invocation came to, whatever the provider.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub status: u16,
    /// The function's result, byte for byte (empty for an accepted async call).
    pub result: Vec<u8>,
    pub request_id: Option<String>,
    pub log: Option<DecodedLog>,
    pub summary: InvokeSummary,
    pub function_error: Option<FunctionError>,
    /// The id to ask about an accepted async invocation (status, stop, `--wait`).
    pub async_id: Option<String>,
    /// Details for the human summary line, in order (label, value).
    pub shown: Vec<(String, String)>,
    /// Provider-specific details for `provider_details` in JSON (field → value).
    pub extra: BTreeMap<String, String>,
}

/// Where an async invocation stands, from a status query.
#[derive(Debug, Clone, PartialEq)]
pub enum AsyncState {
    /// Not finished; the provider's word for it (WAIT, RUNNING...).
    Pending(String),
    /// Finished well (the provider's word for it); `result` is what the provider keeps of
    /// the function's return value, if anything.
    Succeeded {
        status: String,
        result: Option<Vec<u8>>,
    },
    Failed {
        status: String,
        message: String,
    },
    /// The provider does not know the id (yet, or any more).
    NotFound,
}
