//! The `thidua` command: parses the command line, calls the library,
//! prints the outcome and maps it to an exit code (docs/ma-loi.md).
//!
//! Everything a user reads is Vietnamese, clap's own headings and errors
//! included: the help layout is a template, the help and version flags are
//! our own arguments, and clap's errors are rewritten from their kind and
//! context (see [`vietnamese_error`]).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use thidua::app;
use thidua::calendar::Date;
use thidua::console_summary::report;
use thidua::error::Fatal;
use thidua::launch::{self, Plan, Start};
use thidua::pipeline::Progress;
use thidua::workspace::Workspace;
use thidua::write::json::write_json;

/// Help layout with Vietnamese headings (clap's own says "Usage:").
const TEMPLATE: &str = "{before-help}{about-with-newline}\nCách dùng: {usage}\n\n{all-args}{after-help}";

const ARGS: &str = "Tham số";
const OPTIONS: &str = "Tùy chọn";

#[derive(Parser)]
#[command(
    name = "thidua",
    version,
    about = "Tổng hợp, xếp hạng và đề nghị khen thưởng cho khối, cụm thi đua",
    long_about = "Tổng hợp, xếp hạng và đề nghị khen thưởng cho khối, cụm thi đua.\n\n\
Đọc bảng tự chấm điểm của các đơn vị thành viên (thư mục nop/), kiểm tra, cộng điểm, xếp hạng từng khối, \
áp dụng quy định khen thưởng trong thidua.toml và viết bảng tổng hợp Excel cùng báo cáo, tờ trình \
theo Nghị định 30/2020/NĐ-CP vào thư mục out/. Không bao giờ sửa tệp nộp.",
    after_help = "Ví dụ:\n  thidua init khoi-noi-chinh --sample   tạo thư mục làm việc có sẵn ví dụ\n  \
thidua forms khoi-noi-chinh            viết biểu mẫu trống cho các đơn vị\n  \
thidua check khoi-noi-chinh            kiểm tra các tệp đã nộp\n  \
thidua run khoi-noi-chinh              tổng hợp, xếp hạng và viết kết quả\n  \
thidua khoi-noi-chinh                  như trên (cũng là khi kéo thả thư mục lên thidua.exe)\n\n\
Xem trợ giúp của từng lệnh: thidua run --help\n\n\
Mã thoát: 0 xong, không có lỗi; 1 xong nhưng có tệp nộp bị lỗi; 2 không thực hiện được \
(dòng lệnh, thidua.toml, don-vi.xlsx hoặc tieu-chi.xlsx sai).",
    override_usage = "thidua <LỆNH> [THƯ_MỤC] [TÙY CHỌN]",
    help_template = TEMPLATE,
    subcommand_help_heading = "Lệnh",
    subcommand_value_name = "LỆNH",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Thư mục ghi kết quả (mặc định: THƯ_MỤC/out)
    #[arg(long, global = true, value_name = "ĐƯỜNG_DẪN", help_heading = OPTIONS)]
    out: Option<PathBuf>,
    /// Số luồng xử lý song song, từ 1 (mặc định: tất cả các lõi)
    #[arg(short = 'j', long, global = true, value_name = "N", help_heading = OPTIONS,
          value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Không in thông báo và thanh tiến độ, chỉ trả mã thoát
    #[arg(short, long, global = true, help_heading = OPTIONS)]
    quiet: bool,
    /// In trợ giúp này
    #[arg(short = 'h', long, global = true, action = ArgAction::Help, help_heading = OPTIONS)]
    help: Option<bool>,
    /// In số phiên bản
    #[arg(short = 'V', long, action = ArgAction::Version, help_heading = OPTIONS)]
    version: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// Tạo thư mục làm việc mới (với --sample: kèm ví dụ đã điền)
    #[command(
        help_template = TEMPLATE,
        override_usage = "thidua init <THƯ_MỤC> [--sample]",
        long_about = "Tạo thư mục làm việc mới gồm thidua.toml (cấu hình, có chú thích), don-vi.xlsx \
(danh sách khối và đơn vị), tieu-chi.xlsx (bảng tiêu chí) và thư mục nop/. Không ghi đè tệp có sẵn.",
        after_help = "Ví dụ:\n  thidua init khoi-noi-chinh\n  thidua init vi-du --sample"
    )]
    Init {
        /// Thư mục cần tạo
        #[arg(value_name = "THƯ_MỤC", help_heading = ARGS)]
        dir: PathBuf,
        /// Điền sẵn ví dụ: 4 khối thi đua của tỉnh Bắc Ninh và bảng tự chấm điểm đã nộp
        #[arg(long, help_heading = OPTIONS)]
        sample: bool,
    },
    /// Viết biểu mẫu tự chấm điểm trống cho từng đơn vị vào out/bieu-mau/
    #[command(
        help_template = TEMPLATE,
        override_usage = "thidua forms [THƯ_MỤC] [--out ĐƯỜNG_DẪN]",
        long_about = "Viết cho mỗi đơn vị trong don-vi.xlsx một bảng tự chấm điểm trống theo tieu-chi.xlsx, \
vào out/bieu-mau/<khối>/<đơn vị>.xlsx, để gửi các đơn vị điền rồi nộp lại vào thư mục nop/.",
        after_help = "Ví dụ:\n  thidua forms khoi-noi-chinh\n  thidua forms   (trong thư mục làm việc)"
    )]
    Forms {
        /// Thư mục làm việc (mặc định: thư mục hiện tại)
        #[arg(value_name = "THƯ_MỤC", help_heading = ARGS)]
        dir: Option<PathBuf>,
    },
    /// Đọc và kiểm tra mọi bảng tự chấm điểm đã nộp; không ghi tệp nào
    #[command(
        help_template = TEMPLATE,
        override_usage = "thidua check [THƯ_MỤC] [--json] [-j N] [-q]",
        long_about = "Đọc và kiểm tra mọi tệp trong thư mục nop/: nhận diện đơn vị, đối chiếu tiêu chí, \
điểm trống, vượt điểm tối đa, sai công thức… Chỉ in kết quả, không ghi tệp nào.",
        after_help = "Ví dụ:\n  thidua check khoi-noi-chinh\n  thidua check khoi-noi-chinh --json > ket-qua.json\n\n\
Mã thoát: 0 không có lỗi; 1 có tệp nộp bị lỗi; 2 không thực hiện được."
    )]
    Check {
        /// Thư mục làm việc (mặc định: thư mục hiện tại)
        #[arg(value_name = "THƯ_MỤC", help_heading = ARGS)]
        dir: Option<PathBuf>,
        /// In kết quả dạng JSON (như ket-qua.json) thay cho bản tóm tắt
        #[arg(long, help_heading = OPTIONS)]
        json: bool,
    },
    /// Kiểm tra, cộng điểm, xếp hạng, đề nghị khen thưởng và ghi mọi kết quả vào out/
    #[command(
        help_template = TEMPLATE,
        override_usage = "thidua run [THƯ_MỤC] [--out ĐƯỜNG_DẪN] [--json] [-j N] [-q]",
        long_about = "Kiểm tra các tệp đã nộp, cộng điểm, xếp hạng từng khối, xếp loại, đề nghị khen thưởng \
và ghi vào out/: tong-hop.xlsx, ket-qua.json, báo cáo và tờ trình của từng khối. Tệp kết quả được ghi \
trọn vẹn hoặc giữ nguyên như cũ, kể cả khi bị ngắt giữa chừng.",
        after_help = "Ví dụ:\n  thidua run khoi-noi-chinh\n  thidua run khoi-noi-chinh --out D:\\ket-qua -j 2\n  \
thidua run khoi-noi-chinh --json > ket-qua.json\n\n\
Mã thoát: 0 xong, không có lỗi; 1 xong nhưng có tệp nộp bị lỗi (khối thiếu đơn vị: văn bản là DỰ THẢO); \
2 không thực hiện được."
    )]
    Run {
        /// Thư mục làm việc (mặc định: thư mục hiện tại)
        #[arg(value_name = "THƯ_MỤC", help_heading = ARGS)]
        dir: Option<PathBuf>,
        /// In kết quả dạng JSON (như ket-qua.json) thay cho bản tóm tắt
        #[arg(long, help_heading = OPTIONS)]
        json: bool,
    },
}

fn main() -> ExitCode {
    // How the program was started decides what it does (README, "Dùng trên Windows"): a folder
    // given alone is `run` on it; an Explorer start works on the program's
    // own folder or explains, and keeps its window open. See thidua::launch.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let explorer = thidua::windows::started_from_explorer();
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let start = Start {
        args: &args,
        explorer,
        exe_dir: &exe_dir,
    };
    if explorer {
        thidua::windows::prepare_own_console();
    }
    let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
    let (code, out) = match launch::plan(&start, &launch::folder_on_disk) {
        Plan::Parse => (parse_and_execute(std::env::args_os()), None),
        Plan::Run(dir) => {
            if explorer {
                println!("Đang tổng hợp thư mục {}…\n", thidua::shown::path(&dir));
            }
            let code = parse_and_execute([OsString::from("thidua"), "run".into(), dir.clone().into()]);
            (code, Some(dir.join("out")))
        }
        Plan::Offer(dir) => (
            launch::offer(&dir, Date::today(), &mut stdin.lock(), &mut stdout.lock()),
            None,
        ),
        Plan::Explain => (launch::explain(&mut stdout.lock()), None),
    };
    if explorer {
        let open = |folder: &Path| thidua::windows::open_folder(folder);
        launch::hold_open(out.as_deref(), code, &open, &mut stdin.lock(), &mut stdout.lock());
    }
    ExitCode::from(code)
}

/// Parses `args` (the program's name first), runs the command and returns
/// its exit code.
fn parse_and_execute(args: impl IntoIterator<Item = OsString>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    if let Some(jobs) = cli.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(jobs))
            .build_global();
    }
    match execute(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi: {e}");
            2
        }
    }
}

/// Help and version go to stdout (exit 0); a bad command line is explained
/// in Vietnamese on stderr (exit 2).
fn clap_exit(e: &clap::Error) -> u8 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            0
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            2
        }
        _ => {
            eprint!("{}", vietnamese_error(e));
            2
        }
    }
}

/// A clap error in Vietnamese: what is wrong, a suggestion when clap has
/// one, the usage line and where to read more.
fn vietnamese_error(e: &clap::Error) -> String {
    let text = |kind: ContextKind| -> Option<String> {
        match e.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "không có lệnh \"{}\"; các lệnh là init, forms, check, run",
            text(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument => format!("không có tùy chọn hay tham số \"{arg}\" ở đây"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let expected = if arg.contains("--jobs") {
                "cần một số nguyên từ 1 trở lên, ví dụ -j 2".to_string()
            } else {
                match text(ContextKind::ValidValue) {
                    Some(valid) => format!("cần một trong: {valid}"),
                    None => "giá trị không hợp lệ".to_string(),
                }
            };
            if value.is_empty() {
                format!("{arg} thiếu giá trị; {expected}")
            } else {
                format!("\"{value}\" không hợp lệ cho {arg}; {expected}")
            }
        }
        ErrorKind::MissingRequiredArgument => format!("thiếu tham số bắt buộc {arg}"),
        ErrorKind::MissingSubcommand => "thiếu lệnh; các lệnh là init, forms, check, run".to_string(),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("thừa giá trị \"{value}\" cho {arg}")
        }
        ErrorKind::ArgumentConflict => format!(
            "{arg} không dùng cùng với {}",
            text(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::NoEquals => format!("{arg} cần dạng {arg}=GIÁ_TRỊ"),
        ErrorKind::InvalidUtf8 => "dòng lệnh có ký tự không đọc được (không phải UTF-8)".to_string(),
        _ => "dòng lệnh không hợp lệ".to_string(),
    };
    let mut out = format!("Lỗi: {what}.\n");
    let suggestion = text(ContextKind::SuggestedSubcommand)
        .or_else(|| text(ContextKind::SuggestedArg))
        .or_else(|| text(ContextKind::SuggestedValue));
    if let Some(s) = suggestion {
        out.push_str(&format!("Có phải ý bạn là \"{s}\"?\n"));
    }
    if let Some(usage) = text(ContextKind::Usage) {
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        out.push_str(&format!("\nCách dùng: {usage}\n"));
    }
    out.push_str("Xem hướng dẫn: thidua --help\n");
    out
}

fn dir_of(dir: &Option<PathBuf>) -> PathBuf {
    dir.clone().unwrap_or_else(|| PathBuf::from("."))
}

/// A progress bar over the files read, drawn on stderr only when stderr is
/// a terminal: nothing, not even an escape code, reaches a pipe or a file.
struct Bar(ProgressBar);

impl Bar {
    fn new(quiet: bool) -> Bar {
        let target = if !quiet && std::io::stderr().is_terminal() && thidua::windows::progress_allowed() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template("Đang đọc {pos}/{len} tệp [{bar:30}] {elapsed} {wide_msg}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Bar(bar)
    }
}

impl Progress for Bar {
    fn start(&self, files: usize) {
        self.0.set_length(files as u64);
        self.0.tick();
    }

    fn file_done(&self, rel: &str) {
        self.0.set_message(rel.to_string());
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn load(dir: &Option<PathBuf>, out: &Option<PathBuf>) -> Result<Workspace, Fatal> {
    Workspace::load(&dir_of(dir), out.clone())
}

fn execute(cli: &Cli) -> Result<u8, Fatal> {
    match &cli.command {
        Command::Init { dir, sample } => {
            let written = app::init(dir, *sample, Date::today())?;
            if !cli.quiet {
                println!(
                    "Đã tạo thư mục làm việc {} ({} tệp).",
                    thidua::shown::path(dir),
                    written.len()
                );
                println!(
                    "Bước tiếp theo: sửa thidua.toml, don-vi.xlsx, tieu-chi.xlsx; chạy `thidua forms {}` để có biểu mẫu.",
                    thidua::shown::path(dir)
                );
            }
            Ok(0)
        }
        Command::Forms { dir } => {
            let ws = load(dir, &cli.out)?;
            let written = app::forms(&ws)?;
            if !cli.quiet {
                println!(
                    "Đã viết {} biểu mẫu vào {}.",
                    written.len(),
                    thidua::shown::path(&ws.out.join(thidua::write::forms::FORMS_DIR))
                );
            }
            Ok(0)
        }
        Command::Check { dir, json } => {
            let ws = load(dir, &cli.out)?;
            let outcome = app::check_with(&ws, &Bar::new(cli.quiet))?;
            if *json {
                print_json(&outcome);
            } else if !cli.quiet {
                print!("{}", report(&outcome, None, &[]));
            }
            Ok(u8::from(outcome.has_errors()))
        }
        Command::Run { dir, json } => {
            let ws = load(dir, &cli.out)?;
            let (outcome, written) = app::run_with(&ws, &Bar::new(cli.quiet))?;
            if *json {
                print_json(&outcome);
            } else if !cli.quiet {
                print!("{}", report(&outcome, Some(Path::new(&ws.out)), &written));
            }
            Ok(u8::from(outcome.has_errors()))
        }
    }
}

/// `--json`: the result on stdout, streamed. A closed pipe is not an error.
fn print_json(outcome: &thidua::outcome::Outcome) {
    let stdout = std::io::stdout();
    let _ = write_json(outcome, std::io::BufWriter::new(stdout.lock()));
}

/// See Cargo.toml: less time and less fragmented memory than the system
/// allocator on province-scale runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
