// The front end's build: writes dist/index.html and dist/app.js from src/.
const fs = require("fs");
const path = require("path");

const dist = path.join(__dirname, "dist");
fs.mkdirSync(dist, { recursive: true });
const script = fs.readFileSync(path.join(__dirname, "src", "app.js"), "utf8");
fs.writeFileSync(path.join(dist, "app.js"), script.replace(/\s+\/\/.*$/gm, ""));
fs.writeFileSync(
  path.join(dist, "index.html"),
  `<!doctype html>\n<title>flask-frontend</title>\n<p id="greeting">built by node ${process.version}</p>\n<script src="/static/app.js"></script>\n`,
);
