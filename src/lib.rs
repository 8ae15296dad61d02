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
pub mod bloc;
pub mod calendar;
pub mod console_summary;
pub mod discover;
pub mod error;
pub mod form_layout;
pub mod held;
pub mod launch;
pub mod model;
pub mod outcome;
pub mod pipeline;
pub mod rank;
pub mod read;
pub mod reference;
pub mod sample;
pub mod score;
pub mod score_table;
pub mod settings;
pub mod shown;
pub mod text;
pub mod validate;
pub mod windows;
pub mod workspace;
pub mod write;
