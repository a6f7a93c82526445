//! CloudWatch Logs as the emulator plays it, for Lambda's logs: `FilterLogEvents` (JSON 1.1,
//! `X-Amz-Target: Logs_20140328.FilterLogEvents`, SigV4 checked for service `logs`) on the
//! groups `/aws/lambda/NAME` of the functions that have logged, with `logStreamNames`,
//! `startTime`/`endTime`, a `filterPattern` of terms (each, quoted or not, must appear), and
//! pages of 50 events whose `nextToken` names the next; the first page of every search is
//! empty but has a token, as a real one may be. `private` is a function whose log the keys
//! may not read (AccessDeniedException); a function that never ran has no group
//! (ResourceNotFoundException).

use serde_json::{json, Value as Json};
use time::OffsetDateTime;

use super::aws::{authenticate, error};
use super::{logs, Reply, State};
use crate::http::HttpRequest;

const PAGE: usize = 50;
const ACCOUNT: &str = "123456789012";

pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    let target = req.header("X-Amz-Target")?;
    if req.method != "POST" || req.path != "/" || !target.starts_with("Logs_20140328.") {
        return None;
    }
    Some(answer(st, req, target, now).unwrap_or_else(|early| early))
}

fn answer(
    st: &State,
    req: &HttpRequest,
    target: &str,
    now: OffsetDateTime,
) -> Result<Reply, Reply> {
    let region = authenticate(st, req, now, "logs")?;
    if target != "Logs_20140328.FilterLogEvents" {
        return Err(error(
            st,
            400,
            "UnknownOperationException",
            "unknown operation",
        ));
    }
    let input: Json = serde_json::from_slice(&req.body)
        .map_err(|e| error(st, 400, "SerializationException", &e.to_string()))?;
    let group = input["logGroupName"].as_str().unwrap_or_default();
    let function = group.strip_prefix("/aws/lambda/").unwrap_or_default();
    if function == "private" {
        let msg = format!("User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: logs:FilterLogEvents on resource: arn:aws:logs:{region}:{ACCOUNT}:log-group:{group}:log-stream: because no identity-based policy allows the logs:FilterLogEvents action");
        return Err(error(st, 400, "AccessDeniedException", &msg));
    }
    if function.is_empty() || !st.has_logged("aws", function) {
        let msg = "The specified log group does not exist.";
        return Err(error(st, 400, "ResourceNotFoundException", msg));
    }
    st.count("aws.logs");
    let sel = logs::Select {
        since_ms: input["startTime"].as_i64(),
        until_ms: input["endTime"].as_i64(),
        ..logs::Select::default()
    };
    let (lines, _) = st.read_logs("aws", function, &sel, now, 0, usize::MAX);
    let streams: Vec<&str> = input["logStreamNames"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let terms = pattern_terms(input["filterPattern"].as_str().unwrap_or_default());
    let matching: Vec<&logs::Line> = lines
        .iter()
        .filter(|l| streams.is_empty() || streams.contains(&l.stream.as_str()))
        .filter(|l| terms.iter().all(|t| l.text.contains(t.as_str())))
        .collect();
    let (skip, page_no) = parse_token(input["nextToken"].as_str());
    let (events, next) = match page_no {
        // the first page of a search: empty, with a token
        0 => (Vec::new(), Some("emu-0-1".to_string())),
        n => {
            let events = matching.iter().skip(skip).take(PAGE).collect::<Vec<_>>();
            let more = matching.len() > skip + PAGE;
            (
                events,
                more.then(|| format!("emu-{}-{}", skip + PAGE, n + 1)),
            )
        }
    };
    let events: Vec<Json> = events
        .iter()
        .map(|l| {
            json!({"logStreamName": l.stream, "timestamp": l.at_ms, "message": format!("{}\n", l.text),
                "ingestionTime": l.at_ms + 120, "eventId": format!("{}{:020}", l.at_ms, l.at_ms)})
        })
        .collect();
    let mut body = json!({"events": events, "searchedLogStreams": []});
    if let Some(n) = next {
        body["nextToken"] = json!(n);
    }
    let mut response = super::json_response(200, &body);
    response.headers[0].1 = "application/x-amz-json-1.1".into();
    response
        .headers
        .push(("x-amzn-RequestId".into(), st.new_id()));
    Ok(response.into())
}

/// `emu-SKIP-PAGE` → (skip, page number); no token is the first page (0).
fn parse_token(token: Option<&str>) -> (usize, u64) {
    let Some(t) = token.and_then(|t| t.strip_prefix("emu-")) else {
        return (0, 0);
    };
    let (skip, page) = t.split_once('-').unwrap_or((t, "1"));
    (skip.parse().unwrap_or(0), page.parse().unwrap_or(1).max(1))
}

/// The terms of a filter pattern: quoted phrases, and bare words.
fn pattern_terms(p: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut rest = p.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let (term, tail) = after.split_once('"').unwrap_or((after, ""));
            terms.push(term.to_string());
            rest = tail.trim_start();
        } else {
            let (term, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            terms.push(term.to_string());
            rest = tail.trim_start();
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_tokens() {
        assert_eq!(
            pattern_terms(r#""RequestId: abc" ERROR  "x y""#),
            ["RequestId: abc", "ERROR", "x y"]
        );
        assert!(pattern_terms("").is_empty());
        assert_eq!(parse_token(None), (0, 0));
        assert_eq!(parse_token(Some("emu-0-1")), (0, 1));
        assert_eq!(parse_token(Some("emu-100-3")), (100, 3));
    }
}
