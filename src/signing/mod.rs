//! Request signing schemes, one file each; pure functions of the request, the key and the clock.
pub mod acs3;
mod common;
pub mod fc;
pub mod huawei;
pub mod sigv4;
pub mod sls;
