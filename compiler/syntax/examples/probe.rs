use paasc_diag::FileId;
fn main() {
    let path = std::env::args().nth(1).expect("path");
    let text = std::fs::read_to_string(&path).expect("read");
    let t0 = std::time::Instant::now();
    let (tree, diags) = paasc_syntax::parse(FileId(0), &text, Default::default());
    eprintln!("{:?} nodes={}", t0.elapsed(), tree.len());
    for d in &diags {
        let s = d.primary.span;
        println!("{} {:?} [{}..{}] {:?} -- {:?}", d.code.0, d.message, s.start, s.end, text.get(s.start as usize..s.end as usize), d.help);
    }
    if let Some(r) = tree.root() {
        dump(&tree, &text, r, 0);
    }
}
fn dump(t: &paasc_syntax::Tree, text: &str, id: paasc_syntax::NodeId, ind: usize) {
    if ind > 20 { return; }
    let sp = t.span(id);
    let src = text.get(sp.start as usize..sp.end as usize).unwrap_or("?");
    let src: String = src.chars().take(30).collect();
    match t.kind(id) {
        paasc_syntax::Kind::Map(es) => { println!("{:ind$}MAP {:?}", "", src); for e in es { dump(t, text, e.key, ind+2); dump(t, text, e.value, ind+4);} }
        paasc_syntax::Kind::Seq(xs) => { println!("{:ind$}SEQ {:?}", "", src); for x in xs { dump(t, text, *x, ind+2);} }
        paasc_syntax::Kind::Scalar(s) => println!("{:ind$}{:?} {:?} => {:?}", "", src, s.style, s.value()),
        _ => {}
    }
}
