// Command hello prints a greeting (BuckOS go_package example).
package main

import "fmt"

func main() { fmt.Println("hello from go_package") }
