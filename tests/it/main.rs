//! The integration tests, one binary: each module drives the built `leakgate` binary or the
//! library's public API for one area. One binary instead of one per file keeps the build small
//! (each test binary links the whole crate and its dependencies) and gives the helpers in `util`
//! one home.

#[cfg(unix)]
mod action_runner;
mod util;

#[cfg(unix)]
mod action;
mod baseline;
mod chunk_edges;
mod cli;
mod code_shapes;
mod compat;
mod config;
mod coverage;
mod decoding;
mod demo;
mod error_secrecy;
mod filters;
mod formats;
mod fuzz_props;
mod globs;
mod history;
mod hygiene;
mod inputs;
mod known;
mod many_findings;
mod masking;
mod modgraph;
mod pairs;
mod paths;
mod precommit;
mod proven_tokens;
mod redact;
mod redact_layers;
mod redact_lines;
mod report_schema;
mod rules;
mod sarif_schema;
mod scan;
mod secrecy;
mod shipping;
mod snapshots;
mod staged;
mod staged_env;
mod stdin;
mod streams;
mod syntax;
mod windows;
