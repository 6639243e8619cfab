"""Country names → ISO 3166 alpha-2 codes, for the seats abroad in the KBO/BCE extract.

The extract names a foreign country in Dutch and French (``CountryNL``, ``CountryFR``),
not by code; the registry stores the code. ``TABLE`` holds the names of ISO 3166-1 in
English with their Dutch and French translations (from Debian's iso-codes 4.15), the
official names too, and a few names in common use (``Verenigde Staten van Amerika``):
one country per entry, its code first, names apart by ``|``, a long entry going on in
indented lines. Names are compared folded (case, accents and punctuation ignored), and
``Korea, Republiek`` is also read as ``Republiek Korea``.
"""

from __future__ import annotations

import re
from functools import cache

from .identity import fold

TABLE = """\
AD Andorra | Andorre | Vorstendom Andorra | Principauté d'Andorre | Principality of Andorra
AE Verenigde Arabische Emiraten | Émirats arabes unis | United Arab Emirates
AF Afghanistan | Islamitische Republiek Afghanistan | République islamique d'Afghanistan |
   Islamic Republic of Afghanistan
AG Antigua en Barbuda | Antigua-et-Barbuda | Antigua and Barbuda
AI Anguilla
AL Albanië | Albanie | Albania | Republiek Albanië | République d'Albanie | Republic of
   Albania
AM Armenië | Arménie | Armenia | Republiek Armenië | République d'Arménie | Republic of
   Armenia
AO Angola | Republiek Angola | République d'Angola | Republic of Angola
AQ Antarctica | Antarctique
AR Argentinië | Argentine | Argentina | Argentijnse Republiek | République d'Argentine |
   Argentine Republic
AS Amerikaans-Samoa | Samoa américaines | American Samoa
AT Oostenrijk | Autriche | Austria | Republiek Oostenrijk | République d'Autriche | Republic
   of Austria
AU Australië | Australie | Australia
AW Aruba
AX Ålandseilanden | Åland, Îles | Åland Islands
AZ Azerbeidzjan | Azerbaïdjan | Azerbaijan | Republiek Azerbeidzjan | République d'Azerbaïdjan
   | Republic of Azerbaijan
BA Bosnië en Herzegovina | Bosnie-Herzégovine | Bosnia and Herzegovina | Republiek Bosnië en
   Herzegovina | République de Bosnie et Herzégovine | Republic of Bosnia and Herzegovina
BB Barbados | Barbade
BD Bangladesh | Volksrepubliek Bangladesh | République populaire du Bengladesh | People's
   Republic of Bangladesh
BE België | Belgique | Belgium | Koninkrijk België | Royaume de Belgique | Kingdom of Belgium
BF Burkina Faso
BG Bulgarije | Bulgarie | Bulgaria | Republiek Bulgarije | République de Bulgarie | Republic
   of Bulgaria
BH Bahrein | Bahreïn | Bahrain | Koninkrijk Bahrein | Royaume de Bahreïn | Kingdom of Bahrain
BI Burundi | Republiek Burundi | République du Burundi | Republic of Burundi
BJ Benin | Bénin | Republiek Benin | République du Bénin | Republic of Benin
BL Saint-Barthélemy | Saint Barthélemy
BM Bermuda | Bermudes
BN Brunei | Brunéi Darussalam | Brunei Darussalam
BO Bolivia, Multinationale Staat | Bolivie, état plurinational de | Bolivia, Plurinational
   State of | Multinationale Staat Bolivia | État plurinational de Bolivie | Plurinational
   State of Bolivia | Bolivia | Bolivie
BQ Bonaire, Sint Eustatius en Saba | Bonaire, Saint-Eustache et Saba | Bonaire, Sint Eustatius
   and Saba
BR Brazilië | Brésil | Brazil | Federale Republiek Brazilië | République fédérale du Brésil |
   Federative Republic of Brazil
BS Bahama's | Bahamas | Gemenebest van de Bahama's | Commonwealth des Bahamas | Commonwealth
   of the Bahamas
BT Bhutan | Bhoutan | Koninkrijk Bhutan | Royaume du Bouthan | Kingdom of Bhutan
BV Bouveteiland | île Bouvet | Bouvet Island
BW Botswana | Republiek Botswana | République du Botswana | Republic of Botswana
BY Wit-Rusland | Bélarus | Belarus | Republiek Belarus | République du Bélarus | Republic of
   Belarus
BZ Belize
CA Canada
CC Cocoseilanden (Keelingeilanden) | Cocos (Keeling), Îles | Cocos (Keeling) Islands
CD Congo, Democratische Republiek | République démocratique du Congo | Congo, The Democratic
   Republic of the | Congo (Democratische Republiek) | Congo (République démocratique)
CF Centraal-Afrikaanse Republiek | République centrafricaine | Central African Republic
CG Congo | République du Congo | Republiek Congo | Republic of the Congo | Congo (Republiek) |
   Congo (République)
CH Zwitserland | Suisse | Switzerland | Zwitserse Bondsstaat | Confédération helvétique |
   Swiss Confederation
CI Ivoorkust | Côte d'Ivoire | Republiek Ivoorkust | République de Côte d'Ivoire | Republic of
   Côte d'Ivoire
CK Cookeilanden | îles Cook | Cook Islands
CL Chili | Chile | Republiek Chili | République du Chili | Republic of Chile
CM Kameroen | Cameroun | Cameroon | Republiek Kameroen | République du Cameroun | Republic of
   Cameroon
CN China | Chine | Volksrepubliek China | République populaire de Chine | People's Republic of
   China
CO Colombia | Colombie | Republiek Colombia | République de Colombie | Republic of Colombia
CR Costa Rica | Republiek Costa Rica | République du Costa Rica | Republic of Costa Rica
CU Cuba | Republiek Cuba | République de Cuba | Republic of Cuba
CV Kaapverdië | Cap-Vert | Cabo Verde | Republiek Kaapverdië | République du Cap-Vert |
   Republic of Cabo Verde
CW Curaçao
CX Christmaseiland | Christmas, Île | Christmas Island
CY Cyprus | Chypre | Republiek Cyprus | République de Chypre | Republic of Cyprus
CZ Tsjechië | Tchéquie | Czechia | République tchèque | Czech Republic | Tsjechische Republiek
DE Duitsland | Allemagne | Germany | Bondsrepubliek Duitsland | République fédérale
   d'Allemagne | Federal Republic of Germany
DJ Djibouti | Republiek Djibouti | République de Djibouti | Republic of Djibouti
DK Denemarken | Danemark | Denmark | Koninkrijk Denemarken | Royaume du Danemark | Kingdom of
   Denmark
DM Dominica | Dominique | Gemenebest van Dominica | Commonwealth de la Dominique |
   Commonwealth of Dominica
DO Dominicaanse Republiek | République dominicaine | Dominican Republic
DZ Algerije | Algérie | Algeria | Democratische Volksrepubliek Algerije | République
   algérienne démocratique et populaire | People's Democratic Republic of Algeria
EC Ecuador | Équateur | Republiek Ecuador | République d'Équateur | Republic of Ecuador
EE Estland | Estonie | Estonia | Republiek Estland | République d'Estonie | Republic of
   Estonia
EG Egypte | Égypte | Egypt | Arabische Republiek Egypte | République arabe d'Égypte | Arab
   Republic of Egypt
EH Westelijke Sahara | Sahara occidental | Western Sahara
ER Eritrea | Érythrée | Staat Eritrea | l'État d'Érythrée | the State of Eritrea
ES Spanje | Espagne | Spain | Koninkrijk Spanje | Royaume d'Espagne | Kingdom of Spain
ET Ethiopië | Éthiopie | Ethiopia | Federale Democratische Republiek Ethiopië | République
   fédérale démocratique d'Éthiopie | Federal Democratic Republic of Ethiopia
FI Finland | Finlande | Republiek Finland | République de Finlande | Republic of Finland
FJ Fiji | Fidji | Republiek Fiji | République des Fidji | Republic of Fiji
FK Falklandeilanden (Malvinas) | Malouines, Îles (Falkland) | Falkland Islands (Malvinas)
FM Micronesia | Micronésie, États fédérés de | Micronesia, Federated States of | Federale
   Staten van Micronesia | États fédérés de Micronésie | Federated States of Micronesia
FO Faeröer | îles Féroé | Faroe Islands
FR Frankrijk | France | Franse Republiek | République française | French Republic
GA Gabon | Republiek Gabon | République gabonaise | Gabonese Republic
GB Verenigd Koninkrijk | Royaume-Uni | United Kingdom | Verenigd Koninkrijk van
   Groot-Brittannië en Noord-Ierland | Royaume-Uni de Grande-Bretagne et d'Irlande du Nord |
   United Kingdom of Great Britain and Northern Ireland | Groot-Brittannië | Grande-Bretagne |
   Great Britain
GD Grenada | Grenade
GE Georgia | Géorgie
GF Frans-Guyana | Guyane française | French Guiana
GG Guernsey | Guernesey
GH Ghana | Republiek Ghana | République du Ghana | Republic of Ghana
GI Gibraltar
GL Groenland | Groënland | Greenland
GM Gambia | Gambie | Republiek Gambia | République de Gambie | Republic of the Gambia
GN Guinee | Guinée | Guinea | Republiek Guinee | République de Guinée | Republic of Guinea
GP Guadeloupe
GQ Equatoriaal-Guinea | Guinée Équatoriale | Equatorial Guinea | Republiek Equatoriaal-Guinea
   | République de Guinée Équatoriale | Republic of Equatorial Guinea
GR Griekenland | Grèce | Greece | Helleense Republiek | République grecque | Hellenic Republic
GS Zuid-Georgia en de Zuidelijke Sandwicheilanden | Géorgie du Sud et les îles Sandwich du Sud
   | South Georgia and the South Sandwich Islands
GT Guatemala | Republiek Guatemala | République du Guatemala | Republic of Guatemala
GU Guam
GW Guinee-Bissau | Guinée-Bissau | Guinea-Bissau | Republiek Guinee-Bissau | République de
   Guinée-Bissau | Republic of Guinea-Bissau
GY Guyana | Republiek Guyana | République de Guyana | Republic of Guyana
HK Hongkong | Hong Kong | Speciale Administratieve Regio Hongkong van de Volksrepubliek China
   | Région spéciale administrative chinoise de Hong-Kong | Hong Kong Special Administrative
   Region of China
HM Heardeiland en McDonaldeilanden | îles Heard-et-MacDonald | Heard Island and McDonald
   Islands
HN Honduras | Republiek Honduras | République du Honduras | Republic of Honduras
HR Kroatië | Croatie | Croatia | Republiek Kroatië | République de Croatie | Republic of
   Croatia
HT Haïti | Haiti | Republiek Haïti | République de Haïti | Republic of Haiti
HU Hongarije | Hongrie | Hungary
ID Indonesië | Indonésie | Indonesia | Republiek Indonesië | République d'Indonésie | Republic
   of Indonesia
IE Ierland | Irlande | Ireland
IL Israël | Israel | Staat Israël | État d'Israël | State of Israel
IM Eiland Man | Île de Man | Isle of Man
IN India | Inde | Republiek India | République d'Inde | Republic of India
IO Brits Indische Oceaanterritorium | Territoire britannique de l'océan Indien | British
   Indian Ocean Territory
IQ Irak | Iraq | Republiek Irak | République d'Iraq | Republic of Iraq
IR Iran | Iran, République islamique d' | Iran, Islamic Republic of | Islamitische Republiek
   Iran | République islamique d'Iran | Islamic Republic of Iran
IS IJsland | Islande | Iceland | Republiek IJsland | République d'Islande | Republic of
   Iceland
IT Italië | Italie | Italy | Italiaanse Republiek | République italienne | Italian Republic
JE Jersey
JM Jamaica | Jamaïque
JO Jordanië | Jordanie | Jordan | Hasjemitisch Koninkrijk Jordanië | Royaume hachémite de
   Jordanie | Hashemite Kingdom of Jordan
JP Japan | Japon
KE Kenia | Kenya | Republiek Kenia | République du Kenya | Republic of Kenya
KG Kirgizië | Kirghizistan | Kyrgyzstan | Kirgizische Republiek | République kirghize | Kyrgyz
   Republic
KH Cambodja | Cambodge | Cambodia | Koninkrijk Cambodja | Royaume du Cambodge | Kingdom of
   Cambodia
KI Kiribati | Republiek Kiribati | République de Kiribati | Republic of Kiribati
KM Comoren | Comores | Comoros | Unie van de Comoren | Union des Comores | Union of the
   Comoros
KN Saint Kitts en Nevis | Saint-Christophe-et-Niévès | Saint Kitts and Nevis
KP Korea, Democratische Volksrepubliek | Corée, République populaire démocratique de | Korea,
   Democratic People's Republic of | Democratische Volksrepubliek Korea | République
   démocratique populaire de Corée | Democratic People's Republic of Korea | Noord-Korea |
   Corée du Nord | North Korea
KR Korea, Republiek | Corée, République de | Korea, Republic of | Zuid-Korea | Corée du Sud |
   South Korea
KW Koeweit | Koweït | Kuwait | Staat Koeweit | État du Koweït | State of Kuwait
KY Kaaimaneilanden | îles Caïmans | Cayman Islands
KZ Kazachstan | Kazakhstan | Republiek Kazachstan | République du Kazakhstan | Republic of
   Kazakhstan
LA Laos Democratische Volksrepubliek | Lao, République démocratique populaire | Lao People's
   Democratic Republic | Laos
LB Libanon | Liban | Lebanon | Republiek Libanon | République libanaise | Lebanese Republic
LC Saint Lucia | Sainte-Lucie
LI Liechtenstein | Vorstendom Liechtenstein | Principauté du Liechtenstein | Principality of
   Liechtenstein
LK Sri Lanka | Democratische Socialistische Republiek Sri Lanka | République démocratique
   socialiste de Sri Lanka | Democratic Socialist Republic of Sri Lanka
LR Liberia | Libéria | Republiek Liberia | République du Libéria | Republic of Liberia
LS Lesotho | Koninkrijk Lesotho | Royaume du Lesotho | Kingdom of Lesotho
LT Litouwen | Lituanie | Lithuania | Republiek Litouwen | République de Lituanie | Republic of
   Lithuania
LU Luxemburg | Luxembourg | Groothertogdom Luxemburg | Grand-duché du Luxembourg | Grand Duchy
   of Luxembourg | Grand-Duché de Luxembourg
LV Letland | Lettonie | Latvia | Republiek Letland | République de Lettonie | Republic of
   Latvia
LY Libië | Libye | Libya
MA Marokko | Maroc | Morocco | Koninkrijk Marokko | Royaume du Maroc | Kingdom of Morocco
MC Monaco | Vorstendom Monaco | Principauté de Monaco | Principality of Monaco
MD Moldavië, Republiek | Moldova, République de | Moldova, Republic of | Republiek Moldavië |
   République de Moldova | Republic of Moldova | Moldavië | Moldavie | Moldova
ME Montenegro | Monténégro
MF Sint-Maarten (Frans deel) | Saint-Martin (partie française) | Saint Martin (French part)
MG Madagaskar | Madagascar | Republiek Madagaskar | République de Madagascar | Republic of
   Madagascar
MH Marshalleilanden | Îles Marshall | Marshall Islands | Republiek der Marshalleilanden |
   République des Îles Marshall | Republic of the Marshall Islands
MK Noord-Macedonië | Macédoine du Nord | North Macedonia | Republiek Noord-Macedonië |
   République de Macédoine du Nord | Republic of North Macedonia
ML Mali | Republiek Mali | République du Mali | Republic of Mali
MM Myanmar | Birmanie | Republiek Myanmar | République de Myanmar | Republic of Myanmar
MN Mongolië | Mongolie | Mongolia
MO Macau | Macao | Speciale Administratieve Regio Macau van de Volksrepubliek China | Région
   spéciale administrative chinoise de Macao | Macao Special Administrative Region of China
MP Noordelijke Marianen | Îles Mariannes du Nord | Northern Mariana Islands | Gemenebest van
   de Noordelijke Marianen | Commonwealth des îles Mariannes du Nord | Commonwealth of the
   Northern Mariana Islands
MQ Martinique
MR Mauritanië | Mauritanie | Mauritania | Islamitische Republiek Mauritanië | République
   islamique de Mauritanie | Islamic Republic of Mauritania
MS Montserrat
MT Malta | Malte | Republiek Malta | République de Malte | Republic of Malta
MU Mauritius | Maurice | Republiek Mauritius | République de l'Île Maurice | Republic of
   Mauritius
MV Maldiven | Maldives | Republiek der Maldiven | République des Maldives | Republic of
   Maldives
MW Malawi | Republiek Malawi | République du Malawi | Republic of Malawi
MX Mexico | Mexique | Verenigde Mexicaanse Staten | États-Unis du Mexique | United Mexican
   States
MY Maleisië | Malaisie | Malaysia
MZ Mozambique | Republiek Mozambique | République du Mozambique | Republic of Mozambique
NA Namibië | Namibie | Namibia | Republiek Namibië | République de Namibie | Republic of
   Namibia
NC Nieuw-Caledonië | Nouvelle-Calédonie | New Caledonia
NE Niger | Republiek Niger | République du Niger | Republic of the Niger
NF Norfolk | île Norfolk | Norfolk Island
NG Nigeria | Federale Republiek Nigeria | République fédérale du Nigeria | Federal Republic of
   Nigeria
NI Nicaragua | Republiek Nicaragua | République du Nicaragua | Republic of Nicaragua
NL Nederland | Pays-Bas | Netherlands | Koninkrijk der Nederlanden | Royaume des Pays-Bas |
   Kingdom of the Netherlands
NO Noorwegen | Norvège | Norway | Koninkrijk Noorwegen | Royaume de Norvège | Kingdom of
   Norway
NP Nepal | Népal | Federale Democratische Republiek van Nepal | République fédérale
   démocratique du Népal | Federal Democratic Republic of Nepal
NR Nauru | Republiek Nauru | République de Nauru | Republic of Nauru
NU Niue | Nioue
NZ Nieuw-Zeeland | Nouvelle-Zélande | New Zealand
OM Oman | Sultanaat Oman | Sultanat d'Oman | Sultanate of Oman
PA Panama | Republiek Panama | République du Panama | Republic of Panama
PE Peru | Pérou | Republiek Peru | République du Pérou | Republic of Peru
PF Frans-Polynesië | Polynésie française | French Polynesia
PG Papoea-Nieuw-Guinea | Papouasie-Nouvelle-Guinée | Papua New Guinea | Onafhankelijke Staat
   Papua Nieuw Guinea | État indépendant de Papouasie-Nouvelle-Guinée | Independent State of
   Papua New Guinea
PH Filipijnen | Philippines | Republiek der Filipijnen | République des Philippines | Republic
   of the Philippines
PK Pakistan | Islamitische Republiek Pakistan | République islamique du Pakistan | Islamic
   Republic of Pakistan
PL Polen | Pologne | Poland | Republiek Polen | République de Pologne | Republic of Poland
PM Saint-Pierre en Miquelon | Saint-Pierre-et-Miquelon | Saint Pierre and Miquelon
PN Pitcairneilanden | Îles Pitcairn | Pitcairn
PR Puerto Rico | Porto Rico
PS Palestina, Staat | Palestine, État de | Palestine, State of | Staat Palestina | l'État de
   Palestine | the State of Palestine
PT Portugal | Portugese Republiek | République portugaise | Portuguese Republic
PW Palau | Palaos | Republiek Palau | République de Palau | Republic of Palau
PY Paraguay | Republiek Paraguay | République du Paraguay | Republic of Paraguay
QA Qatar | Staat Qatar | État du Qatar | State of Qatar
RE Réunion | Réunion, Île de la
RO Roemenië | Roumanie | Romania
RS Servië | Serbie | Serbia | Republiek Servië | République de Serbie | Republic of Serbia
RU Rusland | Russie, Fédération de | Russian Federation | Russie
RW Rwanda | Republiek Rwanda | République rwandaise | Rwandese Republic
SA Saoedi-Arabië | Arabie saoudite | Saudi Arabia | Koninkrijk Saudi-Arabië | Royaume d'Arabie
   saoudite | Kingdom of Saudi Arabia
SB Salomonseilanden | Salomon, Îles | Solomon Islands
SC Seychellen | Seychelles | Republiek Seychellen | République des Seychelles | Republic of
   Seychelles
SD Soedan | Soudan | Sudan | Republiek Soedan | République du Soudan | Republic of the Sudan
SE Zweden | Suède | Sweden | Koninkrijk Zweden | Royaume de Suède | Kingdom of Sweden
SG Singapore | Singapour | Republiek Singapore | République de Singapour | Republic of
   Singapore
SH Sint-Helena, Ascension en Tristan da Cunha | Sainte-Hélène, Ascension et Tristan da Cunha |
   Saint Helena, Ascension and Tristan da Cunha
SI Slovenië | Slovénie | Slovenia | Republiek Slovenië | République de Slovénie | Republic of
   Slovenia
SJ Spitsbergen en Jan Mayen | Svalbard et île Jan Mayen | Svalbard and Jan Mayen
SK Slowakije | Slovaquie | Slovakia | Slovaakse Republiek | République slovaque | Slovak
   Republic
SL Sierra Leone | Republiek Sierra Leone | République de Sierra Leone | Republic of Sierra
   Leone
SM San Marino | Saint-Marin | Republiek San Marino | République de San Marin | Republic of San
   Marino
SN Senegal | Sénégal | Republiek Senegal | République du Sénégal | Republic of Senegal
SO Somalië | Somalie | Somalia | Federale Republiek Somalië | République fédérale de Somalie |
   Federal Republic of Somalia
SR Suriname | Surinam | Republiek Suriname | République du Surinam | Republic of Suriname
SS Zuid-Soedan | Soudan du Sud | South Sudan | Republiek Zuid-Soedan | République du Soudan du
   Sud | Republic of South Sudan
ST Sao Tomé en Principe | Sao Tomé-et-Principe | Sao Tome and Principe | Democratische
   Republiek Sao Tomé en Principe | République démocratique de Sao Tomé et Principe |
   Democratic Republic of Sao Tome and Principe
SV El Salvador | Salvador | Republiek El Salvador | République d'El Salvador | Republic of El
   Salvador
SX Sint Maarten (Nederlands deel) | Saint-Martin (partie néerlandaise) | Sint Maarten (Dutch
   part)
SY Syrië | Syrienne, République arabe | Syrian Arab Republic | Syria | Syrie
SZ Eswatini | Koninkrijk Eswatini | Royaume d’Eswatini | Kingdom of Eswatini
TC Turks- en Caicoseilanden | îles Turques-et-Caïques | Turks and Caicos Islands
TD Tsjaad | Tchad | Chad | Republiek Tsjaad | République du Tchad | Republic of Chad
TF Franse Zuidelijke Gebieden | Terres australes françaises | French Southern Territories
TG Togo | Republiek Togo | République togolaise | Togolese Republic
TH Thailand | Thaïlande | Koninkrijk Thailand | Royaume de Thaïlande | Kingdom of Thailand
TJ Tadzjikistan | Tadjikistan | Tajikistan | Republiek Tadzjikistan | République du
   Tadjikistan | Republic of Tajikistan
TK Tokelau
TL Oost-Timor | Timor oriental | Timor-Leste | Democratische Republiek Oost-Timor | République
   démocratique du Timor-Leste | Democratic Republic of Timor-Leste
TM Turkmenistan | Turkménistan
TN Tunesië | Tunisie | Tunisia | Republiek Tunesië | République de Tunisie | Republic of
   Tunisia
TO Tonga | Koninkrijk Tonga | Royaume des Tonga | Kingdom of Tonga
TR Turkije | Türkiye | Republiek Turkije | Republic of Türkiye
TT Trinidad en Tobago | Trinité-et-Tobago | Trinidad and Tobago | Republiek Trinidad en Tobago
   | République de Trinité et Tobago | Republic of Trinidad and Tobago
TV Tuvalu
TW Taiwan | Taïwan, province de Chine | Taiwan, Province of China | Taïwan
TZ Tanzania | Tanzanie, République unie de | Tanzania, United Republic of | Verenigde
   Republiek Tanzania | République unie de Tanzanie | United Republic of Tanzania | Tanzanie
UA Oekraïne | Ukraine
UG Oeganda | Ouganda | Uganda | Republiek Oeganda | République d'Ouganda | Republic of Uganda
UM Kleine afgelegen eilanden van de Verenigde Staten | Îles mineures éloignées des États-Unis
   | United States Minor Outlying Islands
US Verenigde Staten | États-Unis | United States | Verenigde Staten van Amerika | États-Unis
   d'Amérique | United States of America | Amerika | USA
UY Uruguay | Oostelijke Republiek Uruguay | République orientale d'Uruguay | Eastern Republic
   of Uruguay
UZ Oezbekistan | Ouzbékistan | Uzbekistan | Republiek Oezbekistan | République d'Ouzbékistan |
   Republic of Uzbekistan
VA Vaticaanstad, Staat | Saint-Siège (état de la cité du Vatican) | Holy See (Vatican City
   State)
VC Saint Vincent en de Grenadines | Saint-Vincent-et-les-Grenadines | Saint Vincent and the
   Grenadines
VE Venezuela, Bolivariaanse Republiek | Vénézuela, république bolivarienne du | Venezuela,
   Bolivarian Republic of | Bolivariaanse Republiek Venezuela | République bolivarienne du
   Vénézuela | Bolivarian Republic of Venezuela | Venezuela | Vénézuela
VG Maagdeneilanden, Britse | Îles Vierges britanniques | Virgin Islands, British | Britse
   Maagdeneilanden | British Virgin Islands
VI Maagdeneilanden, Amerikaanse | Îles Vierges, États-Unis | Virgin Islands, U.S. |
   Amerikaanse Maagdeneilanden | Îles Vierges des États-Unis d'Amérique | Virgin Islands of
   the United States
VN Vietnam | Viêt Nam | Viet Nam | Socialistische Republiek Vietnam | République socialiste du
   Viet Nam | Socialist Republic of Viet Nam
VU Vanuatu | Republiek Vanuatu | République du Vanuatu | Republic of Vanuatu
WF Wallis en Futuna | Wallis et Futuna | Wallis and Futuna
WS Samoa | Onafhankelijke Staat Samoa | État indépendant de Samoa | Independent State of Samoa
YE Jemen | Yémen | Yemen | Republiek Jemen | République du Yémen | Republic of Yemen
YT Mayotte
ZA Zuid-Afrika | Afrique du Sud | South Africa | Republiek Zuid-Afrika | République d'Afrique
   du Sud | Republic of South Africa
ZM Zambia | Zambie | Republiek Zambia | République de Zambie | Republic of Zambia
ZW Zimbabwe | Republiek Zimbabwe | République du Zimbabwe | Republic of Zimbabwe
"""


def entries() -> dict[str, tuple[str, ...]]:
    """Each code with its names, in the table's order."""
    out: dict[str, tuple[str, ...]] = {}
    for entry in re.split(r"\n(?! )", TABLE.strip("\n")):
        code, _, names = " ".join(entry.split()).partition(" ")
        out[code] = tuple(name.strip() for name in names.split("|"))
    return out


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in entries().items():
        for name in names:
            index.setdefault(fold(name), code)
            before, comma, after = name.partition(", ")
            if comma:  # "Korea, Republiek" is also "Republiek Korea"
                index.setdefault(fold(f"{after} {before}"), code)
    return index


def code_of(*names: str) -> str | None:
    """The ISO code of the first of ``names`` that is known (a part in brackets may be
    left out: ``Duitsland (Bondsrepubliek)``), or None."""
    index = _index()
    for name in names:
        for candidate in (name, name.split("(")[0]):
            found = index.get(fold(candidate))
            if found:
                return found
    return None
