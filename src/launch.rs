//! What the program does given how it was started (README, "Dùng trên Windows").
//!
//! Office staff on Windows never open a terminal: they double-click
//! `thidua.exe` or drop a folder on it. [`plan`] decides from the command
//! line and a few facts (started from Explorer or not, the program's own
//! folder, which paths are working folders) what to do; it does no I/O, so
//! the Linux tests cover every case. [`offer`] is the conversation when
//! there is no working folder, and [`hold_open`] the end of an Explorer
//! start. The calls only Windows has are in [`crate::windows`].

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::calendar::Date;

/// The commands; a folder named like one of them is reached as `./run`.
pub const COMMANDS: [&str; 4] = ["init", "forms", "check", "run"];

/// What a path given on the command line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folder {
    /// Not a folder (missing, or a file).
    None,
    /// A folder without `thidua.toml`.
    Plain,
    /// A working folder: it holds `thidua.toml`.
    Working,
}

/// How the program was started.
pub struct Start<'a> {
    /// The arguments after the program's name.
    pub args: &'a [OsString],
    /// Started from Explorer (see [`crate::windows::started_from_explorer`]).
    pub explorer: bool,
    /// The folder that holds the program.
    pub exe_dir: &'a Path,
}

/// What to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Parse the command line as usual (a terminal start, or a command).
    Parse,
    /// `run` on this working folder: a folder given alone, or the
    /// program's own folder when double-clicked there.
    Run(PathBuf),
    /// Explorer start without a working folder: explain how to start and
    /// offer to create one in this folder.
    Offer(PathBuf),
    /// Explorer start with something that is not one folder dropped (a
    /// file, several items): explain how to start.
    Explain,
}

/// Decides what to do from `start` and `folder`, which says what a path is.
///
/// - One argument that is a folder, not a command or an option: `run` on
///   it, from Explorer or a terminal alike; from Explorer a folder without
///   `thidua.toml` is offered a working folder instead.
/// - No argument, from Explorer: `run` on the program's folder when it is a
///   working folder, else the offer.
/// - Anything else from Explorer that is not a command: the explanation.
/// - Otherwise the command line is parsed as always.
pub fn plan(start: &Start, folder: &dyn Fn(&Path) -> Folder) -> Plan {
    match start.args {
        [] if start.explorer => match folder(start.exe_dir) {
            Folder::Working => Plan::Run(start.exe_dir.to_path_buf()),
            _ => Plan::Offer(start.exe_dir.to_path_buf()),
        },
        [] => Plan::Parse,
        [only] if !is_command_or_option(only) => {
            let path = PathBuf::from(only);
            match (folder(&path), start.explorer) {
                (Folder::Working, _) | (Folder::Plain, false) => Plan::Run(path),
                (Folder::Plain, true) => Plan::Offer(path),
                (Folder::None, true) => Plan::Explain,
                (Folder::None, false) => Plan::Parse,
            }
        }
        [first, ..] if start.explorer && !is_command_or_option(first) => Plan::Explain,
        _ => Plan::Parse,
    }
}

fn is_command_or_option(arg: &OsString) -> bool {
    let text = arg.to_string_lossy();
    text.starts_with('-') || COMMANDS.contains(&text.as_ref())
}

/// What a path is, asked of the file system.
pub fn folder_on_disk(path: &Path) -> Folder {
    if !path.is_dir() {
        Folder::None
    } else if path.join(crate::settings::FILE_NAME).is_file() {
        Folder::Working
    } else {
        Folder::Plain
    }
}

/// How to start, for staff who double-clicked the program.
pub const HOW_TO_START: &str = "\
thidua tổng hợp bảng tự chấm điểm của các đơn vị trong một thư mục làm việc \
(thư mục có tệp thidua.toml, don-vi.xlsx, tieu-chi.xlsx và thư mục nop/).

Cách dùng:
  • Kéo thả thư mục làm việc lên biểu tượng thidua.exe; hoặc
  • Đặt thidua.exe vào thư mục làm việc rồi bấm đúp vào nó.
Kết quả được ghi vào thư mục out/ bên trong thư mục làm việc.
";

/// Explains how to start, for [`Plan::Explain`]. Returns exit code 2.
pub fn explain(output: &mut dyn Write) -> u8 {
    let _ = write!(
        output,
        "Chỉ kéo thả MỘT thư mục làm việc lên thidua.exe (không phải tệp).\n\n{HOW_TO_START}"
    );
    2
}

/// The conversation of [`Plan::Offer`]: says that `dir` is not a working
/// folder and how to start, then asks whether to create one there (what
/// `thidua init` writes). Only an answer of `C`/`có` (or `y`/`yes`) creates
/// it: exit code 0. No answer, any other answer or a failure: exit code 2,
/// and nothing written unless the creation itself failed half-way.
pub fn offer(dir: &Path, today: Date, input: &mut dyn BufRead, output: &mut dyn Write) -> u8 {
    let shown = crate::shown::path(dir);
    let _ = write!(
        output,
        "Thư mục {shown} chưa phải thư mục làm việc (không có tệp thidua.toml).\n\n{HOW_TO_START}\n\
Tạo thư mục làm việc mới ngay tại {shown}? Gõ C rồi nhấn Enter để tạo; chỉ nhấn Enter để thoát: "
    );
    let _ = output.flush();
    let mut answer = String::new();
    let _ = input.read_line(&mut answer);
    let _ = writeln!(output);
    if !accepted(&answer) {
        let _ = writeln!(output, "Không tạo gì.");
        return 2;
    }
    match crate::app::init(dir, false, today) {
        Ok(_) => {
            let _ = writeln!(
                output,
                "Đã tạo thư mục làm việc {shown}. Bước tiếp theo:\n  \
1. Sửa don-vi.xlsx (các khối và đơn vị), tieu-chi.xlsx (bảng tiêu chí) và thidua.toml \
(năm, cơ quan, hình thức khen thưởng) cho đúng khối của mình.\n  \
2. Chép bảng tự chấm điểm các đơn vị gửi về vào thư mục nop/.\n  \
3. Bấm đúp thidua.exe lần nữa."
            );
            0
        }
        Err(e) => {
            let _ = writeln!(output, "Lỗi: {e}");
            2
        }
    }
}

/// Whether an answer to a yes/no question is yes: `c`, `có`, `co`, `y`,
/// `yes`, any case, around spaces.
pub fn accepted(answer: &str) -> bool {
    let answer = answer.trim().to_lowercase();
    ["c", "có", "co", "y", "yes"].contains(&answer.as_str())
}

/// The end of an Explorer start: opens `out` through `open` when the run
/// got that far (exit code below 2) and the folder exists, then waits for
/// Enter so the window does not close before the summary is read.
pub fn hold_open(out: Option<&Path>, code: u8, open: &dyn Fn(&Path), input: &mut dyn BufRead, output: &mut dyn Write) {
    if let Some(out) = out.filter(|out| code < 2 && out.is_dir()) {
        open(out);
    }
    let _ = write!(output, "\nNhấn Enter để đóng cửa sổ này.");
    let _ = output.flush();
    let mut line = String::new();
    let _ = input.read_line(&mut line);
}
