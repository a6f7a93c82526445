//! The process environment, passed in: the core reads variables through an [`Env`], so that
//! tests give it a table instead of touching the real environment.

/// Looks up environment variables.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, as the edges hand it to the core.
pub fn process(key: &str) -> Option<String> {
    std::env::var(key).ok()
}
