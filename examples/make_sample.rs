//! Rebuilds `samples/bac-ninh-2026`, the example working folder committed
//! with the repository: `cargo run --example make_sample`.
//!
//! The folder is what `thidua init --sample` writes for the year 2026; it is
//! removed and written again, outputs (`out/`) excluded.

use std::path::Path;

use thidua::calendar::Date;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join("bac-ninh-2026");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the old sample");
    }
    let written = thidua::app::init(
        &dir,
        true,
        Date {
            year: 2026,
            month: 11,
            day: 21,
        },
    )
    .expect("write the sample");
    println!("{} tệp trong {}", written.len(), dir.display());
}
