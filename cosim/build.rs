//! Verilate every top listed by `neuroxbar_rtl::verilog::cosim_tops()`:
//! rust-hdl -> Verilog (one file per module) -> `verilator --cc --build` ->
//! a generated `extern "C"` shim with one accessor per top-level port ->
//! a typed Rust `Model` per top, implementing `VerilatedTop`.
//!
//! Verilator 5.006's `--build` without `--exe` only produces `V<top>__ALL.a`,
//! so the Verilator runtime (`verilated.cpp`, VCD, threads) is compiled here
//! with `cc`.

use neuroxbar_rtl::verilog::{cosim_tops, write_split, Dir, GeneratedTop};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const SETUP_HINT: &str = "run `scripts/setup.sh` (installs Verilator, Yosys and Icarus Verilog)";

fn fail(msg: String) -> ! {
    // A panic is how a build script fails a build; make the message the first thing seen.
    eprintln!("error: {msg}");
    panic!("{msg}");
}

fn verilator_root() -> PathBuf {
    let out = Command::new("verilator")
        .args(["--getenv", "VERILATOR_ROOT"])
        .output()
        .unwrap_or_else(|e| fail(format!("cannot run `verilator` ({e}); {SETUP_HINT}")));
    if !out.status.success() {
        fail(format!(
            "`verilator --getenv VERILATOR_ROOT` failed; {SETUP_HINT}"
        ));
    }
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// Verilator's C++ member name for a rust-hdl port name (`$` -> `__024`).
fn cxx_name(v: &str) -> String {
    v.replace('$', "__024")
}

/// Rust identifier for a port (`i_in$3` -> `i_in_3`).
fn rs_name(v: &str) -> String {
    v.replace('$', "_")
}

fn words(width: usize) -> usize {
    width.div_ceil(32)
}

fn verilate(top: &GeneratedTop, out: &Path, vroot: &Path, rs: &mut String) {
    let name = &top.name;
    let dir = out.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let vdir = dir.join("rtl");
    let top_v = write_split(top, &vdir).unwrap_or_else(|e| {
        fail(format!(
            "writing Verilog of `{name}` to {}: {e}",
            vdir.display()
        ))
    });
    let prefix = format!("V{name}");

    let status = Command::new("verilator")
        .args([
            "--cc",
            "--build",
            "-j",
            "2",
            "-O3",
            "--trace",
            "--x-assign",
            "fast",
        ])
        .args(["--prefix", &prefix, "--top-module", "top", "-Wno-WIDTH"])
        .arg("-y")
        .arg(&vdir)
        .args([
            "-CFLAGS",
            "-fPIC -O2",
            "-MAKEFLAGS",
            "OPT_FAST=-O2 OPT_SLOW=-O1",
        ])
        .arg("-Mdir")
        .arg(&dir)
        .arg(&top_v)
        .status()
        .unwrap_or_else(|e| fail(format!("cannot run `verilator` ({e}); {SETUP_HINT}")));
    if !status.success() {
        fail(format!(
            "verilator failed on `{name}` ({})",
            top_v.display()
        ));
    }
    std::fs::copy(
        dir.join(format!("{prefix}__ALL.a")),
        dir.join(format!("lib{prefix}__ALL.a")),
    )
    .unwrap_or_else(|e| fail(format!("verilator produced no library for `{name}`: {e}")));

    // ---- C++ shim
    let mut cpp = format!(
        r#"#include "{prefix}.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include <cstdint>
#include <cstddef>
namespace {{ struct Sim {{ VerilatedContext* ctx; {prefix}* top; VerilatedVcdC* tfp; }}; }}
extern "C" {{
void* {name}_new(int traceable) {{
  Sim* s = new Sim; s->ctx = new VerilatedContext; s->tfp = nullptr;
  if (traceable) s->ctx->traceEverOn(true);
  s->top = new {prefix}(s->ctx, "top");
  s->top->eval();  // settle once, or the first clock edge is lost
  return s;
}}
int {name}_trace_open(void* p, const char* path) {{
  Sim* s = static_cast<Sim*>(p);
  if (s->tfp) {{ s->tfp->close(); delete s->tfp; }}
  s->tfp = new VerilatedVcdC; s->top->trace(s->tfp, 99); s->tfp->open(path);
  return s->tfp->isOpen() ? 0 : -1;
}}
void {name}_trace_close(void* p) {{
  Sim* s = static_cast<Sim*>(p);
  if (s->tfp) {{ s->tfp->close(); delete s->tfp; s->tfp = nullptr; }}
}}
void {name}_eval(void* p) {{ static_cast<Sim*>(p)->top->eval(); }}
void {name}_dump(void* p, uint64_t t) {{ Sim* s = static_cast<Sim*>(p); if (s->tfp) s->tfp->dump(t); }}
void {name}_free(void* p) {{
  Sim* s = static_cast<Sim*>(p); s->top->final();
  if (s->tfp) {{ s->tfp->close(); delete s->tfp; }}
  delete s->top; delete s->ctx; delete s;
}}
"#
    );
    let mut ffi = String::new();
    let mut typed = String::new();
    let mut ports = String::new();
    let mut set_arms = String::new();
    let mut get_arms = String::new();
    let mut setw_arms = String::new();
    let mut getw_arms = String::new();
    for (idx, p) in top.ports.iter().enumerate() {
        let (c, r) = (cxx_name(&p.name), rs_name(&p.name));
        let input = p.dir == Dir::In;
        writeln!(
            ports,
            "        PortInfo {{ name: {:?}, width: {}, input: {} }},",
            p.name, p.width, input
        )
        .unwrap();
        if p.width <= 64 {
            if input {
                writeln!(cpp, "void {name}_set_{r}(void* p, uint64_t v) {{ static_cast<Sim*>(p)->top->{c} = v; }}").unwrap();
                writeln!(ffi, "        fn {name}_set_{r}(p: *mut c_void, v: u64);").unwrap();
                writeln!(typed, "    #[inline]\n    pub fn set_{r}(&mut self, v: u64) {{ unsafe {{ {name}_set_{r}(self.0, v) }} }}").unwrap();
                writeln!(set_arms, "            {idx} => self.set_{r}(v),").unwrap();
            } else {
                writeln!(
                    cpp,
                    "uint64_t {name}_get_{r}(void* p) {{ return static_cast<Sim*>(p)->top->{c}; }}"
                )
                .unwrap();
                writeln!(ffi, "        fn {name}_get_{r}(p: *mut c_void) -> u64;").unwrap();
                writeln!(typed, "    #[inline]\n    pub fn {r}(&self) -> u64 {{ unsafe {{ {name}_get_{r}(self.0) }} }}").unwrap();
                writeln!(get_arms, "            {idx} => self.{r}(),").unwrap();
            }
        } else {
            let n = words(p.width);
            if input {
                writeln!(cpp, "void {name}_set_{r}(void* p, const uint32_t* w) {{ Sim* s = static_cast<Sim*>(p); for (size_t i = 0; i < {n}; ++i) s->top->{c}[i] = w[i]; }}").unwrap();
                writeln!(
                    ffi,
                    "        fn {name}_set_{r}(p: *mut c_void, w: *const u32);"
                )
                .unwrap();
                writeln!(typed, "    /// {} bits as {n} little-endian 32-bit words.\n    #[inline]\n    pub fn set_{r}(&mut self, w: &[u32; {n}]) {{ unsafe {{ {name}_set_{r}(self.0, w.as_ptr()) }} }}", p.width).unwrap();
                writeln!(setw_arms, "            {idx} => {{ let mut a = [0u32; {n}]; for (d, s) in a.iter_mut().zip(w) {{ *d = *s; }} self.set_{r}(&a) }}").unwrap();
            } else {
                writeln!(cpp, "void {name}_get_{r}(void* p, uint32_t* w) {{ Sim* s = static_cast<Sim*>(p); for (size_t i = 0; i < {n}; ++i) w[i] = s->top->{c}[i]; }}").unwrap();
                writeln!(
                    ffi,
                    "        fn {name}_get_{r}(p: *mut c_void, w: *mut u32);"
                )
                .unwrap();
                writeln!(typed, "    /// {} bits as {n} little-endian 32-bit words.\n    #[inline]\n    pub fn {r}(&self) -> [u32; {n}] {{ let mut w = [0u32; {n}]; unsafe {{ {name}_get_{r}(self.0, w.as_mut_ptr()) }}; w }}", p.width).unwrap();
                writeln!(getw_arms, "            {idx} => {{ let a = self.{r}(); for (d, s) in w.iter_mut().zip(a.iter()) {{ *d = *s; }} }}").unwrap();
            }
        }
    }
    cpp.push_str("}\n");
    let shim = dir.join(format!("{name}_shim.cpp"));
    std::fs::write(&shim, cpp).unwrap_or_else(|e| fail(format!("writing {}: {e}", shim.display())));
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        .opt_level(2)
        .include(&dir)
        .include(vroot.join("include"))
        .include(vroot.join("include/vltstd"))
        .file(&shim)
        .warnings(false)
        .compile(&format!("{name}_shim"));
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static={prefix}__ALL");

    // ---- Rust wrapper
    write!(
        rs,
        r#"
/// Verilator model of the `{name}` top.
pub mod {name} {{
    use crate::{{PortInfo, VerilatedTop}};
    use std::ffi::{{c_char, c_int, c_void}};
    unsafe extern "C" {{
        fn {name}_new(traceable: c_int) -> *mut c_void;
        fn {name}_trace_open(p: *mut c_void, path: *const c_char) -> c_int;
        fn {name}_trace_close(p: *mut c_void);
        fn {name}_eval(p: *mut c_void);
        fn {name}_dump(p: *mut c_void, t: u64);
        fn {name}_free(p: *mut c_void);
{ffi}    }}

    /// Top-level ports in declaration order.
    pub const PORTS: &[PortInfo] = &[
{ports}    ];

    /// The Verilated `{name}` design.
    pub struct Model(*mut c_void);

    // The model owns its C++ objects exclusively; moving it between threads is fine.
    unsafe impl Send for Model {{}}

    impl Model {{
{typed}    }}

    impl VerilatedTop for Model {{
        const NAME: &'static str = {name:?};
        fn ports() -> &'static [PortInfo] {{ PORTS }}
        fn new(traceable: bool) -> Self {{ Model(unsafe {{ {name}_new(traceable as c_int) }}) }}
        fn trace_open_raw(&mut self, path: &std::ffi::CStr) -> bool {{ unsafe {{ {name}_trace_open(self.0, path.as_ptr()) == 0 }} }}
        fn trace_close(&mut self) {{ unsafe {{ {name}_trace_close(self.0) }} }}
        #[inline]
        fn eval(&mut self) {{ unsafe {{ {name}_eval(self.0) }} }}
        #[inline]
        fn dump(&mut self, t: u64) {{ unsafe {{ {name}_dump(self.0, t) }} }}
        #[allow(unused_variables)]
        fn set_u64(&mut self, port: usize, v: u64) {{
            match port {{
{set_arms}            _ => panic!("{name}: port {{port}} is not an input of 64 bits or fewer"),
            }}
        }}
        #[allow(unused_variables)]
        fn get_u64(&self, port: usize) -> u64 {{
            match port {{
{get_arms}            _ => panic!("{name}: port {{port}} is not an output of 64 bits or fewer"),
            }}
        }}
        #[allow(unused_variables)]
        fn set_words(&mut self, port: usize, w: &[u32]) {{
            match port {{
{setw_arms}            _ => panic!("{name}: port {{port}} is not an input wider than 64 bits"),
            }}
        }}
        #[allow(unused_variables)]
        fn get_words(&self, port: usize, w: &mut [u32]) {{
            match port {{
{getw_arms}            _ => panic!("{name}: port {{port}} is not an output wider than 64 bits"),
            }}
        }}
    }}

    impl Drop for Model {{
        fn drop(&mut self) {{ unsafe {{ {name}_free(self.0) }} }}
    }}
}}
"#
    )
    .unwrap();
}

fn build_runtime(vroot: &Path) {
    let inc = vroot.join("include");
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        .opt_level(2)
        .include(&inc)
        .include(inc.join("vltstd"))
        .define("VM_COVERAGE", "0")
        .define("VM_SC", "0")
        .define("VM_TRACE", "1")
        .define("VM_TRACE_FST", "0")
        .define("VM_TRACE_VCD", "1")
        .files(
            [
                "verilated.cpp",
                "verilated_vcd_c.cpp",
                "verilated_threads.cpp",
            ]
            .map(|f| inc.join(f)),
        )
        .warnings(false)
        .compile("verilated");
    println!("cargo:rustc-link-lib=atomic");
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let vroot = verilator_root();
    let tops = cosim_tops().unwrap_or_else(|e| fail(e));
    let mut rs = String::new();
    for top in &tops {
        verilate(top, &out, &vroot, &mut rs);
    }
    build_runtime(&vroot); // after the models: static link order matters
    std::fs::write(out.join("models.rs"), rs)
        .unwrap_or_else(|e| fail(format!("writing models.rs: {e}")));
}
