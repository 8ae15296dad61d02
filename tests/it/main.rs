//! The integration tests, one binary: each module exercises the real
//! `thidua` program or the library on temporary working folders and reads
//! the outputs back ([`common`] holds the shared helpers).
//!
//! Tests that open our documents in LibreOffice or convert them with poppler
//! skip with a message when those tools are missing, except with `CI` set,
//! where they fail ([`common::require`]).

mod common;

mod awards;
mod cli;
mod corpus;
mod document_cache;
mod documents;
mod fast_reader;
mod fuzz;
mod meeting;
mod reader;
mod tong_hop_formulas;
mod trust;
mod walkthrough;
mod windows_start;
mod workbooks;
