//! The Helm back end: a chart that deploys a 12-factor app on plain Kubernetes, the way
//! paas-charm runs it under Juju.
