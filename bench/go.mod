module github.com/retryclient/retryclient/bench

go 1.25

replace github.com/retryclient/retryclient => ..

require (
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/retryclient/retryclient v0.0.0-00010101000000-000000000000
)

require github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
