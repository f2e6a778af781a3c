package check

import (
	"context"
	"os"
	"testing"
)

func TestSmoke(t *testing.T) {
	dir := writeFixture(t, "good.txt")
	rep, err := Check(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep.WriteText(os.Stdout)
}
