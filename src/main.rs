//! `fcall`: parse, run, map errors to exit codes. Everything else lives in the library.

fn main() -> std::process::ExitCode {
    fcall::main_entry()
}
