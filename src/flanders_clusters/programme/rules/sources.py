"""Where the rules come from: the decree and the programme's public pages."""

DECREE = (
    "decree of the Flemish Government of 4 March 2016 on support for innovation clusters "
    "(BS 7 April 2016, no. 2016035404)"
)
DECREE_URL = "http://www.ejustice.just.fgov.be/eli/besluit/2016/03/04/2016035404/justel"
VLAIO_SUBSIDY = "https://www.vlaio.be/nl/subsidies-financiering/subsidiedatabank/innovatieclusters"
VLAIO_POLICY = (
    "https://www.vlaio.be/nl/clusterorganisaties/het-clusterbeleid/het-vlaamse-clusterbeleid"
)
VLAIO_ICN = (
    "https://www.vlaio.be/nl/vlaio-netwerk/clusterorganisaties/het-clusterbeleid/"
    "innovatieve-bedrijfsnetwerken"
)
VLAIO_SPEARHEAD = (
    "https://www.vlaio.be/nl/andere-doelgroepen/flanders-innovation-entrepreneurship/"
    "innovation-clusters-flanders/spearhead"
)
FIT_POLICY = "http://invest.flandersinvestmentandtrade.com/en/business-environment/cluster-policy"
VLAIO_NETWORK = (
    "https://www.vlaio.be/nl/vlaio-netwerk/clusterorganisaties/lerend-netwerk/"
    "lerend-netwerk-voor-clusterorganisaties"
)
FORMAT = "docs/registry-format.md"
