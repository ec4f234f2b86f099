// The judge built against Temporal v1.27.3 (see ../../judge).
package main

import judge "tcfg.test/temporal-judge"

func main() { judge.Main("v1.27.3") }
