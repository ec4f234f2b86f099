// The judge built against Temporal v1.28.1 (see ../../judge).
package main

import judge "tcfg.test/temporal-judge"

func main() { judge.Main("v1.28.1") }
