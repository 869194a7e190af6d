//! Where bytes come from. `walk`: the working tree with scopes, ignore files and exclusions.
//! (Staged blobs, git history, stdin and compressed logs join here as their own modules.)

pub mod walk;
