module github.com/retryclient/retryclient

go 1.25
