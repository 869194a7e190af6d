//! Where bytes come from. `walk`: the working tree with scopes, ignore files and exclusions;
//! `history`: every unique blob of the git history once.
//! (Staged blobs, git history, stdin and compressed logs join here as their own modules.)

pub mod history;
pub mod walk;
