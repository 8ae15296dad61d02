//! The `thidua` command: parses the command line, calls the library,
//! prints the outcome and maps it to an exit code (SPEC §2).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use thidua::app;
use thidua::error::Fatal;
use thidua::pipeline::Workspace;
use thidua::settings::Date;
use thidua::summary::human;
use thidua::write::json::to_json;

#[derive(Parser)]
#[command(
    name = "thidua",
    version,
    about = "Tổng hợp, xếp hạng và đề nghị khen thưởng cho khối, cụm thi đua",
    long_about = "Đọc bảng tự chấm điểm của các đơn vị thành viên, kiểm tra, cộng điểm, xếp hạng từng khối, \
áp dụng quy định khen thưởng và viết bảng tổng hợp Excel cùng báo cáo, tờ trình theo Nghị định 30/2020/NĐ-CP.",
    after_help = "Ví dụ:\n  thidua init khoi-noi-chinh --sample\n  thidua forms khoi-noi-chinh\n  thidua check khoi-noi-chinh\n  thidua run khoi-noi-chinh\n\nMã thoát: 0 xong, không có lỗi; 1 xong nhưng có tệp lỗi; 2 không thực hiện được.",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Thư mục ghi kết quả (mặc định: DIR/out)
    #[arg(long, global = true, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Số luồng xử lý song song (mặc định: tất cả các lõi)
    #[arg(short = 'j', long, global = true, value_name = "N")]
    jobs: Option<usize>,
    /// Không in thông báo, chỉ trả mã thoát
    #[arg(short, long, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Tạo thư mục làm việc mới (với --sample: kèm ví dụ đã điền)
    #[command(after_help = "Ví dụ:\n  thidua init khoi-noi-chinh\n  thidua init vi-du --sample")]
    Init {
        /// Thư mục cần tạo
        dir: PathBuf,
        /// Điền sẵn ví dụ: 4 khối thi đua của tỉnh Bắc Ninh và bảng tự chấm điểm
        #[arg(long)]
        sample: bool,
    },
    /// Viết biểu mẫu tự chấm điểm trống cho từng đơn vị vào out/bieu-mau/
    #[command(after_help = "Ví dụ:\n  thidua forms khoi-noi-chinh")]
    Forms {
        /// Thư mục làm việc (mặc định: thư mục hiện tại)
        dir: Option<PathBuf>,
    },
    /// Đọc và kiểm tra mọi bảng chấm điểm; không ghi tệp nào
    #[command(
        after_help = "Ví dụ:\n  thidua check khoi-noi-chinh\n  thidua check khoi-noi-chinh --json > ket-qua.json"
    )]
    Check {
        /// Thư mục làm việc (mặc định: thư mục hiện tại)
        dir: Option<PathBuf>,
        /// In kết quả dạng JSON thay cho bản tóm tắt
        #[arg(long)]
        json: bool,
    },
    /// Kiểm tra, cộng điểm, xếp hạng, đề nghị khen thưởng và ghi mọi kết quả vào out/
    #[command(after_help = "Ví dụ:\n  thidua run khoi-noi-chinh\n  thidua run khoi-noi-chinh --out D:\\ket-qua -j 2")]
    Run {
        /// Thư mục làm việc (mặc định: thư mục hiện tại)
        dir: Option<PathBuf>,
        /// In kết quả dạng JSON thay cho bản tóm tắt
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Some(jobs) = cli.jobs {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build_global();
    }
    match execute(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("Lỗi: {e}");
            ExitCode::from(2)
        }
    }
}

fn dir_of(dir: &Option<PathBuf>) -> PathBuf {
    dir.clone().unwrap_or_else(|| PathBuf::from("."))
}

fn execute(cli: &Cli) -> Result<u8, Fatal> {
    match &cli.command {
        Command::Init { dir, sample } => {
            let written = app::init(dir, *sample, Date::today())?;
            if !cli.quiet {
                println!("Đã tạo thư mục làm việc {} ({} tệp).", dir.display(), written.len());
                println!("Bước tiếp theo: sửa thidua.toml, don-vi.xlsx, tieu-chi.xlsx; chạy `thidua forms {}` để có biểu mẫu.", dir.display());
            }
            Ok(0)
        }
        Command::Forms { dir } => {
            let ws = Workspace::load(&dir_of(dir), cli.out.clone())?;
            let written = app::forms(&ws)?;
            if !cli.quiet {
                println!(
                    "Đã viết {} biểu mẫu vào {}.",
                    written.len(),
                    ws.out.join(app::FORMS_DIR).display()
                );
            }
            Ok(0)
        }
        Command::Check { dir, json } => {
            let ws = Workspace::load(&dir_of(dir), cli.out.clone())?;
            let outcome = app::check(&ws)?;
            if *json {
                print!("{}", to_json(&outcome));
            } else if !cli.quiet {
                print!("{}", human(&outcome, &[]));
            }
            Ok(u8::from(outcome.has_errors()))
        }
        Command::Run { dir, json } => {
            let ws = Workspace::load(&dir_of(dir), cli.out.clone())?;
            let (outcome, written) = app::run(&ws)?;
            if *json {
                print!("{}", to_json(&outcome));
            } else if !cli.quiet {
                print!("{}", human(&outcome, &written));
            }
            Ok(u8::from(outcome.has_errors()))
        }
    }
}
