/* 70b000000048_topo_48.c - revision 48 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000048", "70b000000047", "topo 48");
TOPO_BODY(48)
