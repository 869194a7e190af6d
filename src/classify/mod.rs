//! Value classification: what a value alone looks like, shared by the detection validators
//! (`detect`: randomness, entropy), the not-a-leak filters (`filter`: placeholders) and the known
//! values (`known`: which variable values are worth looking for). A leaf: it reads bytes and the
//! rule model's character classes, nothing else.

pub mod entropy;
pub mod grams;
pub mod placeholder;

/// Whether a value alone reads as a placeholder or a mask (`<token>`, `changeme`, `****ABCD`).
pub fn is_placeholder(v: &[u8]) -> bool {
    placeholder::check(v).is_some()
}
