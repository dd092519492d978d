/* 70b000000042_topo_42.c - revision 42 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000042", "70b000000041", "topo 42");
TOPO_BODY(42)
