// A minimal 12-factor web app: paas-charm gives the port in PORT.
const express = require("express");

const app = express();
const port = process.env.PORT || 8080;

app.get("/", (req, res) => {
  res.send("Hello from expressjs-app\n");
});

app.listen(port, () => console.log(`listening on ${port}`));
