// The judge built against Temporal v1.31.2 (see ../../judge).
package main

import judge "tcfg.test/temporal-judge"

func main() { judge.Main("v1.31.2") }
