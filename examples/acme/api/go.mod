module github.com/acme/api

go 1.25

toolchain go1.25.4
