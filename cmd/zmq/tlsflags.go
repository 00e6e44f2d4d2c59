package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/purezmq/zmq"
)

// tlsFlags configure the TLS of wss:// endpoints.
type tlsFlags struct {
	cert, key  string
	ca         string
	serverName string
}

func (f *tlsFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.cert, "tls-cert", "", "wss: the certificate (chain) to serve, a PEM `FILE`; with --tls-key")
	fs.StringVar(&f.key, "tls-key", "", "wss: the private key of --tls-cert, a PEM `FILE`")
	fs.StringVar(&f.ca, "tls-ca", "", "wss: trust servers whose certificate these PEM certificates sign (`FILE`; default the system's roots)")
	fs.StringVar(&f.serverName, "tls-server-name", "", "wss: the `NAME` the server's certificate must carry (default the endpoint's host)")
}

// option builds WithTLSConfig from the flags, if the endpoints need it or
// a flag was given. A wss client with no flag trusts the system's roots; a
// wss server needs a certificate.
func (f *tlsFlags) option(binds, connects []string) (zmq.Option, error) {
	wssBind, wssConnect := anyWSS(binds), anyWSS(connects)
	given := f.cert != "" || f.key != "" || f.ca != "" || f.serverName != ""
	if !wssBind && !wssConnect {
		if given {
			return nil, usagef("the --tls-* flags are for wss:// endpoints")
		}
		return nil, nil
	}
	if (f.cert == "") != (f.key == "") {
		return nil, usagef("--tls-cert and --tls-key go together")
	}
	if wssBind && f.cert == "" {
		return nil, usagef("binding wss:// needs --tls-cert and --tls-key")
	}
	cfg := &tls.Config{ServerName: f.serverName}
	if f.cert != "" {
		pair, err := tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	if f.ca != "" {
		pem, err := os.ReadFile(f.ca)
		if err != nil {
			return nil, fmt.Errorf("--tls-ca: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, usagef("--tls-ca: no PEM certificate in %s", f.ca)
		}
	}
	return zmq.WithTLSConfig(cfg), nil
}

func anyWSS(endpoints []string) bool {
	for _, e := range endpoints {
		if strings.HasPrefix(e, "wss://") {
			return true
		}
	}
	return false
}
