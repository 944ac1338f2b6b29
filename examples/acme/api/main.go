// Command api serves Acme's order API (an example application for paved's quick start).
package main

import (
	"fmt"
	"log"
	"net/http"
)

func health(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprintln(w, "ok")
}

func main() {
	http.HandleFunc("/healthz", health)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
