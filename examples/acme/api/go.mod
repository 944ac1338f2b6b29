module github.com/acme/api

go 1.24

toolchain go1.24.4
