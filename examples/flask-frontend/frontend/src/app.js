// The front end's script.
document.getElementById("greeting").textContent += " and served by Flask";
