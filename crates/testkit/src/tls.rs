//! Certificates made in the test: a CA, a server certificate for the loopback
//! addresses, a client certificate, and a second CA nobody trusts.

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, SanType};

/// PEM files for a TLS test set-up.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub ca_cert: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// A CA that signed neither certificate.
    pub other_ca_cert: PathBuf,
    /// A client certificate signed by the other CA.
    pub rogue_client_cert: PathBuf,
    pub rogue_client_key: PathBuf,
    /// A server certificate for the DNS name [`SERVER_NAME`] only (no
    /// address): a client reaching it at 127.0.0.1 must be told that name.
    pub named_server_cert: PathBuf,
    pub named_server_key: PathBuf,
}

/// The name [`TlsFiles::named_server_cert`] is issued for.
pub const SERVER_NAME: &str = "etcd.tcfg.test";

fn ca(name: &str) -> (rcgen::Certificate, KeyPair, CertificateParams) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = params.clone().self_signed(&key).unwrap();
    (cert, key, params)
}

fn leaf(
    cn: &str,
    usage: ExtendedKeyUsagePurpose,
    issuer_params: &CertificateParams,
    issuer_key: &KeyPair,
) -> (String, String) {
    leaf_for(cn, &["localhost"], true, usage, issuer_params, issuer_key)
}

fn leaf_for(
    cn: &str,
    names: &[&str],
    loopback: bool,
    usage: ExtendedKeyUsagePurpose,
    issuer_params: &CertificateParams,
    issuer_key: &KeyPair,
) -> (String, String) {
    let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    if loopback {
        params.subject_alt_names.push(SanType::IpAddress([127, 0, 0, 1].into()));
    }
    params.distinguished_name.push(DnType::CommonName, cn);
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().unwrap();
    let issuer = Issuer::from_params(issuer_params, issuer_key);
    let cert = params.signed_by(&key, &issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

impl TlsFiles {
    /// Make every certificate and write the PEM files into `dir`.
    pub fn create(dir: &Path) -> TlsFiles {
        std::fs::create_dir_all(dir).unwrap();
        let (ca_cert, ca_key, ca_params) = ca("tcfg test CA");
        let (other_cert, other_key, other_params) = ca("someone else's CA");
        let (server_cert, server_key) = leaf("etcd", ExtendedKeyUsagePurpose::ServerAuth, &ca_params, &ca_key);
        let (client_cert, client_key) = leaf("tcfg", ExtendedKeyUsagePurpose::ClientAuth, &ca_params, &ca_key);
        let (rogue_cert, rogue_key) = leaf("rogue", ExtendedKeyUsagePurpose::ClientAuth, &other_params, &other_key);
        let (named_cert, named_key) = leaf_for(
            "etcd",
            &[SERVER_NAME],
            false,
            ExtendedKeyUsagePurpose::ServerAuth,
            &ca_params,
            &ca_key,
        );
        let _ = other_cert.pem();
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        TlsFiles {
            ca_cert: write("ca.pem", &ca_cert.pem()),
            server_cert: write("server.pem", &server_cert),
            server_key: write("server-key.pem", &server_key),
            client_cert: write("client.pem", &client_cert),
            client_key: write("client-key.pem", &client_key),
            other_ca_cert: write("other-ca.pem", &other_cert.pem()),
            rogue_client_cert: write("rogue.pem", &rogue_cert),
            rogue_client_key: write("rogue-key.pem", &rogue_key),
            named_server_cert: write("named-server.pem", &named_cert),
            named_server_key: write("named-server-key.pem", &named_key),
        }
    }

    /// etcd-client TLS options with the trusted CA and the client identity.
    pub fn client_options(&self) -> etcd_client::TlsOptions {
        let read = |p: &PathBuf| std::fs::read(p).unwrap();
        etcd_client::TlsOptions::new()
            .ca_certificate(etcd_client::Certificate::from_pem(read(&self.ca_cert)))
            .identity(etcd_client::Identity::from_pem(
                read(&self.client_cert),
                read(&self.client_key),
            ))
            .domain_name("localhost")
    }
}
