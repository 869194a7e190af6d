//! Where bytes come from. `walk`: the working tree with scopes, ignore files and exclusions.
//! `staged`: the git index, what the next commit records. `history`: every unique blob of the git
//! history once. `stdin`: one input read from standard input (`scan -`). `root`: the project root
//! every reported path is relative to.

pub mod history;
pub mod root;
pub mod staged;
pub mod stdin;
pub mod walk;
