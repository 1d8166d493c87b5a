
pub mod report;
