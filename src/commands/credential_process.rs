//! The edge of a credential source's [`Step::Run`]: run a program (`credential_process`)
//! with the arguments as they are (no shell, as botocore runs it), an empty stdin, and its
//! stdout and stderr captured for the source to read.
//!
//! [`Step::Run`]: crate::credentials::Step::Run

use crate::credentials::Answer;
use crate::error::{Error, Result};

/// Run `argv` to its end and hand back its exit code, stdout and stderr.
pub async fn run(argv: &[String]) -> Result<Answer> {
    let Some((program, args)) = argv.split_first() else {
        return Err(Error::Auth(
            "credential_process is empty: give the program to run".into(),
        ));
    };
    let (program, args) = (program.clone(), args.to_vec());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&program)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| {
                Error::Auth(format!(
                    "credential_process: cannot run {program}: {e}: check the command in the AWS config"
                ))
            })
    })
    .await
    .map_err(|e| Error::Internal(format!("credential_process: {e}")))??;
    Ok(Answer::Ran {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
    })
}
