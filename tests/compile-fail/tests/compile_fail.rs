//! What the generated API must refuse to compile: an identifier of one
//! resource type where another is expected, and a union case's field read
//! through another case's variant. Each case in `tests/ui/` fails to compile
//! with the error recorded beside it.

#[test]
fn typed_api_misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("ui/*.rs");
}
