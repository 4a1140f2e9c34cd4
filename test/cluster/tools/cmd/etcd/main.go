// Command etcd is the etcd server, built from the same module graph as
// kube-apiserver.
//
// Why not Debian's etcd-server package: bookworm ships etcd 3.4.23, a release
// line that is out of upstream support, while Kubernetes v1.35 is built and
// tested against etcd 3.6 (its own go.mod requires go.etcd.io/etcd/server/v3
// v3.6.5). Building it here adds little to the build (most of its modules
// are shared with kube-apiserver) and needs no apt step in CI.
//
// etcd's own main package lives in a root module that cannot be required (it
// uses local replace directives), so this wrapper calls the same entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
