//! `paasc lsp`'s message loop over in-memory channels: what it publishes for a golden case
//! equals `paasc check --format json`, an edit in an unsaved buffer clears it, hover explains
//! the code, and the did-you-mean quick fix replaces the key.

#[path = "support/common.rs"]
mod common;
use common::{root, TERM};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Uri;
use serde_json::{json, Value};
use std::path::Path;

fn request(client: &Connection, id: i32, method: &str, params: Value) -> Value {
    client
        .sender
        .send(Message::Request(Request::new(
            RequestId::from(id),
            method.to_string(),
            params,
        )))
        .expect("send");
    loop {
        match client.receiver.recv().expect("response") {
            Message::Response(r) if r.id == RequestId::from(id) => {
                return r.response_result.unwrap_or(Value::Null)
            }
            _ => {}
        }
    }
}

fn notify(client: &Connection, method: &str, params: Value) {
    client
        .sender
        .send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )))
        .expect("send");
}

/// The next `publishDiagnostics` for `uri`.
fn published(client: &Connection, uri: &str) -> Vec<Value> {
    loop {
        if let Message::Notification(n) = client.receiver.recv().expect("notification") {
            if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                return n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }
}

#[test]
fn diagnostics_hover_and_quick_fix_over_memory_channels() {
    let case = root().join("golden/errors/unknown-top-level-key-charmcraft");
    let file = case.join("charm/charmcraft.yaml");
    let text = std::fs::read_to_string(&file).expect("case file");
    let uri: Uri = paasc_lsp::path_uri(&file).expect("uri");
    let uri_s = uri.as_str().to_string();

    let want = paasc::run(
        vec![
            "paasc".into(),
            "check".into(),
            case.display().to_string(),
            "--format".into(),
            "json".into(),
        ],
        TERM,
    );
    let want: Value = serde_json::from_str(&want.stdout).expect("json");
    let want: Vec<(Value, Value)> = want["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| Path::new(d["file"].as_str().unwrap_or_default()) == file)
        .map(|d| (d["code"].clone(), d["range"].clone()))
        .collect();
    assert!(!want.is_empty());

    let (server, client) = Connection::memory();
    let codes = paasc::all_codes();
    let thread = std::thread::spawn(move || {
        let check = |dir: &Path, src: &dyn paasc_check::Source| paasc::check_dir(dir, src, TERM);
        let facts = |dir: &Path, src: &dyn paasc_check::Source| paasc::facts::of(dir, src, TERM);
        let config = paasc_lsp::Config {
            check: &check,
            facts: &facts,
            disk: &paasc::load::Disk,
            codes,
        };
        paasc_lsp::serve(&server, &config)
    });
    let init = request(&client, 1, "initialize", json!({"capabilities": {}}));
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    notify(&client, "initialized", json!({}));

    notify(
        &client,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri_s, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let got = published(&client, &uri_s);
    let pairs: Vec<(Value, Value)> = got
        .iter()
        .map(|d| (d["code"].clone(), d["range"].clone()))
        .collect();
    assert_eq!(pairs, want, "the server publishes what paasc check reports");
    let s001 = got.iter().find(|d| d["code"] == "S001").expect("S001");
    assert_eq!(
        s001["codeDescription"]["href"],
        "https://paasc.dev/codes/S001"
    );

    let hover = request(
        &client,
        2,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri_s}, "position": s001["range"]["start"]}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("S001") && shown.contains("unknown-key"),
        "{shown}"
    );

    let actions = request(
        &client,
        3,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri_s}, "range": s001["range"], "context": {"diagnostics": [s001]}}),
    );
    let edit = &actions[0]["edit"]["changes"][&uri_s][0];
    assert_eq!(edit["newText"], "summary");
    assert_eq!(edit["range"], s001["range"]);

    let fixed = text.replace("sumary", "summary");
    assert_ne!(fixed, text);
    notify(
        &client,
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri_s, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = published(&client, &uri_s);
    assert!(
        after.iter().all(|d| d["code"] != "S001"),
        "fixed in the buffer: {after:?}"
    );

    request(&client, 4, "shutdown", Value::Null);
    notify(&client, "exit", Value::Null);
    assert_eq!(thread.join().expect("server thread"), Ok(()));
}
