// Command vcsim-launcher runs govmomi's vCenter simulator (the VPX inventory
// model) with its vAPI REST endpoints for the end-to-end tests.
//
// Once the server accepts connections it prints exactly one line of JSON to
// standard output (see readyLine) and then runs until standard input is closed
// or it receives SIGINT/SIGTERM. Diagnostics go to standard error.
//
// Credentials are read from the environment rather than from flags so they do
// not show up in process listings:
//
//	VCSIM_USERNAME, VCSIM_PASSWORD  when both are set, only this pair may log in,
//	                                over SOAP and over POST /rest/com/vmware/cis/session;
//	                                when unset, the simulator accepts any
//	                                non-empty user name and password.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"

	// Registers the vAPI (/rest) handlers: session, tagging, content library.
	_ "github.com/vmware/govmomi/vapi/simulator"
)

// sessionPath is where the vAPI simulator serves session create/get/delete.
const sessionPath = "/rest/com/vmware/cis/session"

// object identifies one inventory object the way the tagging API wants it
// (`{"type": "VirtualMachine", "id": "vm-54"}`), plus its inventory name.
type object struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// readyLine is the single line printed on stdout once the server is up.
type readyLine struct {
	// URL is the base URL (scheme, host and port, no path) of the server.
	URL string `json:"url"`
	// CertificatePEM is the self-signed server certificate (https only).
	CertificatePEM string `json:"certificate_pem,omitempty"`
	// CredentialsEnforced tells whether only VCSIM_USERNAME/VCSIM_PASSWORD may log in.
	CredentialsEnforced bool `json:"credentials_enforced"`
	// Inventory lists well-known objects of the default VPX model.
	Inventory inventory `json:"inventory"`
}

type inventory struct {
	VM         object `json:"vm"`
	Host       object `json:"host"`
	Datastore  object `json:"datastore"`
	Datacenter object `json:"datacenter"`
	Cluster    object `json:"cluster"`
	// ResourcePool is where OVF deployments can put their VMs.
	ResourcePool object `json:"resource_pool"`
}

func main() {
	log.SetPrefix("vcsim-launcher: ")
	log.SetFlags(0)
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	host := flag.String("host", "127.0.0.1", "IP address to listen on")
	port := flag.Int("port", 0, "TCP port to listen on (0 picks a free port)")
	useTLS := flag.Bool("tls", true, "serve https with a freshly generated self-signed certificate")
	watchStdin := flag.Bool("watch-stdin", true, "exit when standard input is closed")
	idleTimeout := flag.Duration("session-idle-timeout", 0, "expire SOAP and vAPI sessions idle for this long (0 = never)")
	flag.Parse()

	if *port < 0 || *port > 65535 {
		return fmt.Errorf("invalid -port %d", *port)
	}
	if net.ParseIP(*host) == nil {
		return fmt.Errorf("invalid -host %q: expected an IP address", *host)
	}

	if *idleTimeout < 0 {
		return fmt.Errorf("invalid -session-idle-timeout %s", *idleTimeout)
	}
	// Read by the SOAP and vAPI session handlers when a session is created.
	simulator.SessionIdleTimeout = *idleTimeout

	username, password := os.Getenv("VCSIM_USERNAME"), os.Getenv("VCSIM_PASSWORD")
	enforce := username != "" || password != ""
	if enforce && (username == "" || password == "") {
		return errors.New("set both VCSIM_USERNAME and VCSIM_PASSWORD, or neither")
	}

	model := simulator.VPX()
	if err := model.Create(); err != nil {
		return fmt.Errorf("creating the VPX model: %w", err)
	}
	// Create makes temporary directories backing the local datastores.
	defer model.Remove()

	inv, err := findInventory()
	if err != nil {
		return err
	}

	service := model.Service
	service.RegisterEndpoints = true
	service.Listen = &url.URL{Host: net.JoinHostPort(*host, strconv.Itoa(*port))}
	if enforce {
		// The SOAP session manager checks logins against Listen.User when it
		// is set; the vAPI handler also uses it for its own SOAP calls.
		service.Listen.User = url.UserPassword(username, password)
	}

	var certPEM []byte
	if *useTLS {
		cert, pemBytes, err := selfSignedCertificate(*host)
		if err != nil {
			return err
		}
		service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		certPEM = pemBytes
	}

	// The vAPI simulator only rejects an empty user name or password on
	// session creation; put a check in front of it when credentials are
	// configured. The route is registered before the simulator adds its
	// catch-all "/rest/" handler, so the more specific pattern wins.
	mux := http.NewServeMux()
	service.ServeMux = mux
	var vapi atomic.Value // http.Handler, set once the server is built
	mux.HandleFunc(sessionPath, func(w http.ResponseWriter, r *http.Request) {
		next, ok := vapi.Load().(http.Handler)
		if !ok {
			http.Error(w, "simulator is starting", http.StatusServiceUnavailable)
			return
		}
		if enforce && r.Method == http.MethodPost && r.URL.Query().Get("~action") == "" {
			u, p, ok := r.BasicAuth()
			if !ok || u != username || p != password {
				// Same response as the simulator gives for empty credentials.
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		}
		next.ServeHTTP(w, r)
	})

	server := service.NewServer()
	defer server.Close()

	next, pattern := mux.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/rest/"}})
	if pattern != "/rest/" {
		return fmt.Errorf("vAPI endpoints are not registered (got pattern %q)", pattern)
	}
	vapi.Store(next)

	base := url.URL{Scheme: server.URL.Scheme, Host: server.URL.Host}
	line, err := json.Marshal(readyLine{
		URL:                 base.String(),
		CertificatePEM:      string(certPEM),
		CredentialsEnforced: enforce,
		Inventory:           inv,
	})
	if err != nil {
		return fmt.Errorf("encoding the ready line: %w", err)
	}
	if _, err := fmt.Fprintf(os.Stdout, "%s\n", line); err != nil {
		return fmt.Errorf("writing the ready line: %w", err)
	}

	stop := make(chan string, 2)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() { stop <- (<-signals).String() }()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop <- "stdin closed"
		}()
	}
	log.Printf("serving %s; stopping on %s", base.String(), <-stop)
	return nil
}

// findInventory picks the first object (by name) of each well-known type;
// the default VPX model names its first VM DC0_H0_VM0.
func findInventory() (inventory, error) {
	var inv inventory
	for _, want := range []struct {
		kind string
		dst  *object
	}{
		{"VirtualMachine", &inv.VM},
		{"HostSystem", &inv.Host},
		{"Datastore", &inv.Datastore},
		{"Datacenter", &inv.Datacenter},
		{"ClusterComputeResource", &inv.Cluster},
		{"ResourcePool", &inv.ResourcePool},
	} {
		entities := simulator.Map.All(want.kind)
		if len(entities) == 0 {
			return inv, fmt.Errorf("the VPX model has no %s", want.kind)
		}
		sort.Slice(entities, func(i, j int) bool { return name(entities[i]) < name(entities[j]) })
		ref := entities[0].Reference()
		*want.dst = object{Type: ref.Type, ID: ref.Value, Name: name(entities[0])}
	}
	return inv, nil
}

func name(e mo.Entity) string { return e.Entity().Name }

// selfSignedCertificate makes a certificate for the listen address that is
// its own trust anchor. It is deliberately not a CA certificate: rustls
// rejects CA certificates presented as server certificates, which rules out
// the built-in test certificate the simulator would otherwise use.
func selfSignedCertificate(host string) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generating a TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generating a serial number: %w", err)
	}
	now := time.Now()
	template := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "vcsim"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
		IPAddresses:           []net.IP{net.ParseIP(host)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, &template, &template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("creating the TLS certificate: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("encoding the TLS key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("loading the TLS key pair: %w", err)
	}
	return cert, certPEM, nil
}
