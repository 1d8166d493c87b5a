//! `neuroxbar verilog`: a top's synthesis-ready Verilog, its modules one per
//! file, its port + register map, and (with `--config`) a validated
//! register-write script.

use crate::stdout::outln;
use anyhow::{bail, Context};
use neuroxbar_flow::write_atomic;
use neuroxbar_rtl::regs::{map_markdown, Register};
use neuroxbar_rtl::verilog::{split_modules, write_split, Dir, GeneratedTop, Port};
use std::path::{Path, PathBuf};

mod reg_config;

pub(crate) use neuroxbar_rtl::tops::DEFAULT_TOP;
use neuroxbar_rtl::tops::TOPS;

fn tops_help() -> String {
    let mut s = String::from("Tops:\n");
    s.push_str(&neuroxbar_rtl::tops::help_lines());
    s.push_str(
        "\nWrites DIR/<top>.v (all modules in one file, synthesis-ready; the top\n\
         module is `top`), DIR/<top>/ (one file per module, for `verilator -y`;\n\
         replaced only if it holds nothing but files an earlier run wrote, listed\n\
         in DIR/<top>/.neuroxbar-modules: any other file there is an error),\n\
         DIR/<top>.map.md or .map.json (ports and registers) and, with --config,\n\
         DIR/<top>.cfg.json: the register writes `[{\"addr\": A, \"data\": D}, ..]`\n\
         (data as the 32-bit `cfg_data` word) in address order.\n\n\
         The config file is TOML with one value per register name, e.g.\n\
         \x20 THRESHOLD = 0x4000\n\
         \x20 RESET_V = -256\n\
         Signed registers take negative decimal values.",
    );
    s
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MapFormat {
    #[default]
    Md,
    Json,
}

#[derive(clap::Args, Debug, Default)]
#[command(after_help = tops_help())]
pub struct Args {
    /// Register values (TOML, `NAME = value`), checked against the register map.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Top to write [default: see below].
    #[arg(long, value_name = "NAME")]
    pub top: Option<String>,
    /// Format of the port + register map.
    #[arg(long, value_enum, default_value_t)]
    pub map_format: MapFormat,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let name = args.top.as_deref().unwrap_or(DEFAULT_TOP);
    let top = neuroxbar_rtl::tops::find(name).map_err(anyhow::Error::msg)?;
    let registers = (top.registers)();
    if args.config.is_some() && registers.is_empty() {
        bail!(
            "--config: `{name}` has no configuration registers (tops with registers: {})",
            TOPS.iter()
                .filter(|t| !(t.registers)().is_empty())
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // everything that can fail on user input is checked before writing
    let writes = match &args.config {
        Some(file) => Some(config_writes(file, &registers)?),
        None => None,
    };
    let generated = (top.generate)().map_err(anyhow::Error::msg)?;
    let out = &args.out;
    if out.as_os_str().is_empty() {
        bail!("--out: empty path");
    }
    if let Some(f) = out
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir()))
    {
        bail!(
            "--out {}: {} exists and is not a folder",
            out.display(),
            f.display()
        );
    }
    let split = out.join(name);
    let modules = module_files(&generated);
    check_split_dir(&split, &modules)?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;

    let mut written = Vec::new();
    let mut write = |file: String, text: &str| -> anyhow::Result<()> {
        let path = out.join(file);
        write_atomic(&path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
        Ok(())
    };
    write(format!("{name}.v"), &generated.verilog)?;
    match args.map_format {
        MapFormat::Md => write(
            format!("{name}.map.md"),
            &map_md(&generated, top.about, &registers),
        )?,
        MapFormat::Json => write(
            format!("{name}.map.json"),
            &map_json(&generated, &registers)?,
        )?,
    }
    if let Some(writes) = writes {
        write(format!("{name}.cfg.json"), &writes)?;
    }
    write_split_atomic(&generated, &split, &modules)?;
    written.push(split);
    for p in written {
        outln!("{}", p.display());
    }
    Ok(())
}

/// The list of files `neuroxbar verilog` wrote into a module folder
/// `DIR/<top>/`: with it, a later run replaces only what an earlier one wrote.
const MANIFEST: &str = ".neuroxbar-modules";

/// The file names of the per-module folder.
fn module_files(top: &GeneratedTop) -> Vec<String> {
    split_modules(&top.verilog)
        .into_iter()
        .map(|(name, _)| format!("{name}.v"))
        .collect()
}

/// `dir` (`DIR/<top>`) may be replaced: absent, or a folder holding only
/// files `neuroxbar verilog` writes (listed in its manifest or named as the
/// current modules). Anything else is refused, never deleted or moved.
fn check_split_dir(dir: &Path, modules: &[String]) -> anyhow::Result<()> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    if !meta.is_dir() {
        bail!(
            "{}: exists and is not a folder; `neuroxbar verilog` writes the per-module \
             files there: move it away or choose another --out",
            dir.display()
        );
    }
    let listed = std::fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default();
    let ours =
        |n: &str| n == MANIFEST || modules.iter().any(|m| m == n) || listed.lines().any(|l| l == n);
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("reading {}", dir.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if !is_file || !ours(&name) {
            bail!(
                "{}: not written by `neuroxbar verilog`, and {} is replaced whole with each \
                 generation: move it away or choose another --out",
                e.path().display(),
                dir.display()
            );
        }
    }
    Ok(())
}

/// Write the per-module files and their manifest into a fresh directory, then
/// swap it in place of `dir` (checked by [`check_split_dir`]), so `dir` holds
/// one complete generation.
fn write_split_atomic(top: &GeneratedTop, dir: &Path, modules: &[String]) -> anyhow::Result<()> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let base = dir
        .file_name()
        .map_or("top".into(), |n| n.to_string_lossy().into_owned());
    let pid = std::process::id();
    let (fresh, old) = (
        parent.join(format!(".{base}.new-{pid}")),
        parent.join(format!(".{base}.old-{pid}")),
    );
    let _ = std::fs::remove_dir_all(&fresh);
    let manifest = modules.join("\n") + "\n";
    let result = write_split(top, &fresh).and_then(|_| {
        std::fs::write(fresh.join(MANIFEST), &manifest)?;
        if dir.exists() {
            std::fs::rename(dir, &old)?;
        }
        std::fs::rename(&fresh, dir)
    });
    let _ = std::fs::remove_dir_all(&fresh);
    let _ = std::fs::remove_dir_all(&old);
    result.with_context(|| format!("writing the modules of `{}` to {}", top.name, dir.display()))
}

/// Check `file` (TOML, register name = integer) against `map` and return the
/// register-write script as JSON, in address order.
fn config_writes(file: &Path, map: &[Register]) -> anyhow::Result<String> {
    let f = file.display().to_string();
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {f}"))?;
    let writes = reg_config::parse_config(&text, &f, map).map_err(anyhow::Error::msg)?;
    let list: Vec<serde_json::Value> = writes
        .iter()
        .map(|&(addr, data)| serde_json::json!({ "addr": addr, "data": data }))
        .collect();
    Ok(serde_json::to_string_pretty(&list)? + "\n")
}

fn dir_name(d: Dir) -> &'static str {
    match d {
        Dir::In => "in",
        Dir::Out => "out",
    }
}

/// rust-hdl writes element `k` of an array port `x` as `x$k`.
fn array_base(p: &Port) -> Option<&str> {
    let (base, k) = p.name.rsplit_once('$')?;
    k.parse::<usize>().ok().map(|_| base)
}

fn map_md(top: &GeneratedTop, about: &str, registers: &[Register]) -> String {
    let mut s = format!(
        "# `{}`: port and register map\n\n{about}. Verilog module `top`; \
         array ports are `name$0`, `name$1`, ...\n\n## Ports\n\n\
         | port | dir | bits |\n|---|---|---|\n",
        top.name
    );
    let mut i = 0;
    while i < top.ports.len() {
        let p = &top.ports[i];
        // fold array elements of equal width and direction into one row
        let n = match array_base(p) {
            Some(base) => top.ports[i..]
                .iter()
                .take_while(|q| array_base(q) == Some(base) && q.width == p.width && q.dir == p.dir)
                .count(),
            None => 1,
        };
        if n > 1 {
            let last = &top.ports[i + n - 1];
            s.push_str(&format!(
                "| `{}` .. `{}` | {} | {} each |\n",
                p.name,
                last.name,
                dir_name(p.dir),
                p.width
            ));
        } else {
            s.push_str(&format!(
                "| `{}` | {} | {} |\n",
                p.name,
                dir_name(p.dir),
                p.width
            ));
        }
        i += n;
    }
    s.push('\n');
    if registers.is_empty() {
        s.push_str("## Registers\n\nNone: this top has no configuration bus.\n");
    } else {
        s.push_str(&map_markdown("Registers", registers));
        s.push_str(
            "\nWrites: `cfg_we` high for one cycle with `cfg_addr` and `cfg_data`; \
             signed fields take the 32-bit sign extension. Writes to unmapped \
             addresses or out of range change nothing and set the sticky `cfg_error`.\n",
        );
    }
    s
}

fn map_json(top: &GeneratedTop, registers: &[Register]) -> anyhow::Result<String> {
    let v = serde_json::json!({
        "top": top.name,
        "module": "top",
        "ports": top.ports,
        "registers": registers,
    });
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}
