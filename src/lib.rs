//! thidua: year-end scoring, ranking and award proposals for Vietnamese
//! emulation blocs ("khối, cụm thi đua").
//!
//! The pipeline runs in stages with plain data between them:
//!
//! ```text
//! discover → read → validate → score → rank → award → write (xlsx, docx, json)
//! ```
//!
//! [`app`] holds the commands; the binary only parses arguments and prints.

pub mod app;
pub mod award;
pub mod discover;
pub mod error;
pub mod fold;
pub mod form;
pub mod held;
pub mod launch;
pub mod model;
pub mod outcome;
pub mod pipeline;
pub mod rank;
pub mod read;
pub mod registry;
pub mod sample;
pub mod score;
pub mod settings;
pub mod shown;
pub mod summary;
pub mod validate;
pub mod windows;
pub mod write;
