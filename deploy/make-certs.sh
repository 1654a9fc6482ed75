#!/usr/bin/env bash
# Makes the two certificates a Mentiora cluster needs into a folder (deploy/certs by default), as
# PEM files docker-compose.yml mounts into every silo:
#
#   cluster.crt, cluster.key   mutual TLS between silos and on the gateway (Orleans:Tls:*); every
#                              silo presents and accepts exactly this certificate
#   keyring.crt, keyring.key   encrypts the Data Protection key ring at rest (DataProtection:*)
#
#   deploy/make-certs.sh [FOLDER]
#
# Self-signed, valid for 825 days. Keep the keys out of version control and backups of the
# database: whoever has keyring.key and a backup can read the key ring. To replace the cluster
# certificate, stop every silo, make new files and start them again (silos accept only the one
# certificate). The containers run as user 1654: the files are made readable by it.
set -euo pipefail
dir=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/certs}
mkdir -p "$dir"
for name in cluster keyring; do
  if [ -e "$dir/$name.crt" ] || [ -e "$dir/$name.key" ]; then
    echo "make-certs: $dir/$name.crt or .key exists; remove both to make new ones" >&2
    exit 1
  fi
done
# Server and client authentication: a silo is the server of the connections it accepts and the
# client of those it opens.
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=mentiora-cluster" \
  -addext "extendedKeyUsage=serverAuth,clientAuth" -addext "keyUsage=digitalSignature,keyEncipherment" \
  -keyout "$dir/cluster.key" -out "$dir/cluster.crt" 2>/dev/null
# Key encipherment: the key ring's keys are encrypted to this certificate's key.
openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=mentiora-key-ring" \
  -addext "keyUsage=keyEncipherment,dataEncipherment" \
  -keyout "$dir/keyring.key" -out "$dir/keyring.crt" 2>/dev/null
chmod 644 "$dir"/*.crt
chmod 600 "$dir"/*.key
# The containers' unprivileged user must read the keys; as root, give them to it.
if [ "$(id -u)" = 0 ]; then chown 1654 "$dir"/*.key; else chmod 644 "$dir"/*.key; fi
echo "made $dir/cluster.crt, cluster.key, keyring.crt, keyring.key"
