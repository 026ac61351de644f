// A minimal 12-factor web app: paas-charm gives the port in APP_PORT.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("APP_PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "Hello from go-app")
	})
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
