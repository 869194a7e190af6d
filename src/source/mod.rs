//! Where bytes come from. `walk`: the working tree with scopes, ignore files and exclusions.
//! `staged`: the git index, what the next commit records. (Git history, stdin and compressed logs
//! join here as their own modules.)

pub mod staged;
pub mod walk;
