//! The end-to-end suite: the built `fcall` binary against the emulator on an ephemeral
//! loopback port, one module per area, all in one test binary (one link step, not fourteen).
//! `support` has the emulator, the sandbox and the profile builder; `shared` runs the
//! scenarios FunctionGraph and Function Compute have in common for both; `golden` pins the
//! human report in `golden/*.stderr`.
//!
//! Run one area with `cargo test --test it huawei::`, one test with its full path.

mod support;

mod aliyun;
mod altair;
mod aws;
mod aws_credentials;
mod bad_input;
mod batch;
mod checks;
mod cli;
mod exit_codes;
mod faults;
mod fuzz;
mod golden;
mod huawei;
mod journal;
mod logs;
mod openfaas;
mod schema;
mod sdks;
mod secrets;
mod shards;
mod shared;
mod streaming;
mod suites;
mod terminal;
