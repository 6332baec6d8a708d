"""Customer monitoring speed: import, delta screening after a list update, and a full re-screen.

Usage: .venv/bin/python -m bench.monitoring_speed [--db URL] [--customers 1000000] [--parties 100]
       [--planted-old 20] [--workers N] [--seed N] [--no-write] [--skip-full]

1. The registry: --db (a SQLite URL of a registry already holding the lists; the file, and its -wal if
   any, is COPIED into a scratch directory first, since the bench writes customers and alerts into it;
   the source must not be written to meanwhile), or the full registry built as in bench.screening_speed
   (OFAC SDN advanced XML + OFAC consolidated + UN + UK, in a scratch SQLite file).
2. The index: Screener.from_registry (loading the parties + building the matcher's index), timed apart.
3. The "new parties": --parties listed parties, half persons and half organizations, drawn with a fixed
   seed, one per party (never two records the index links as one party). They stand for what a list
   update designates. The registry is NOT edited: the Screener is built on the whole registry, and
   Monitor.delta(ids of those parties) is what decides that only they are new (delta screening retrieves
   the customers that could match the given parties and keeps only hits on them). The alerts it raises
   are the ones a real update adding these parties would raise; the figure is the delta's own cost.
4. The customers, generated with a fixed seed (no external data; not the matcher's dev set):
   --customers ordinary people (85 %) and companies (15 %) from this file's pools of given and family
   names across cultures (English, Spanish/Portuguese, French, Italian, German/Dutch, Russian/Ukrainian,
   Polish, Arabic, Persian, Turkish, Indian, Chinese, Korean, Vietnamese; romanized) and of company
   words and legal forms; about half have a birth date, about half a country. PLUS planted customers:
   a. one per new party: its listed name as a bank would keep it, cycling through three variants:
      reordered ("UMAROV, Doku" -> "Doku Umarov"; organizations: punctuation dropped, title case), one
      typo (a letter replaced or two swapped in its longest word that is not a legal form or a
      stopword), or a different case; persons with the party's birth date (every other one) and
      nationality (every fourth). The delta must alert on them: "planted found" is its recall, proof
      that it is not fast by finding nothing.
   b. --planted-old variants of other (old) listed parties, made the same way: the full re-screen must
      find them (and the delta must not: they are not new).
5. Import: Customers(engine).upsert(all customers), timed (customers/s; database size after it).
6. Delta: Monitor(engine, screener, versions).delta(ids), timed; candidates screened, alerts created,
   planted found / planted; the time of its candidates_for() call (through a timing wrapper set on the
   Monitor instance) apart from the screening and alerting of those candidates.
                                               [target: 100 new parties vs 1,000,000 customers <= 10 s]
7. Full: Monitor.full() over every customer (unless --skip-full), timed; customers/s, alerts, planted
   (old and new) with an alert after it.       [target: 1,000,000 customers, full registry <= 5 min]
Monitor screens in --workers forked processes (default: Monitor's own, every core); CPU figures count
this process and its workers (user + system).
Targets are for 2 cores. The table is printed and, unless --no-write, appended as a dated section to
bench/RESULTS.md. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url

from bench.screening_speed import (
    LIST_FILES,
    RESULTS,
    SEED,
    Row,
    build_registry,
    command_line,
    cpu_model,
    cpu_reference,
    git_revision,
    nproc,
    proc_status_mb,
    timed,
)
from sanctionwatch.matching.names import is_noise, name_forms
from sanctionwatch.matching.normalize import ascii_fold
from sanctionwatch.model import ORGANIZATION_SCHEMAS, Entity, NameKind, NameQuality, Schema
from sanctionwatch.monitoring import tables as t
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import HITS_PER_CUSTOMER, Monitor, ScreeningRun
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.party import screen_party
from sanctionwatch.screening.screener import Screener

DELTA_TARGET_S = 10.0  # for 100 new parties against 1,000,000 customers
FULL_TARGET_S = 300.0  # for 1,000,000 customers
TARGET_CUSTOMERS = 1_000_000
COMPANY_SHARE = 0.15
PROGRESS_EVERY = 100_000

# ---- name pools -----------------------------------------------------------------------------------
# Per culture: male given names, female given names, family names, countries (ISO alpha-2), weight.


@dataclass(frozen=True, slots=True)
class Culture:
    name: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    countries: tuple[str, ...]
    weight: int
    family_first: bool = False


def _words(text: str) -> tuple[str, ...]:
    """Space-separated words; '_' joins the words of one name ("de_Jong")."""
    return tuple(word.replace("_", " ") for word in text.split())


CULTURES = (
    Culture(
        "english",
        _words(
            "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew "
            "Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward "
            "Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin "
            "Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry Tyler Aaron Henry Adam Peter "
            "Nathan Zachary Douglas Harold Kyle Noah Oliver Harry Liam Connor Callum Rhys Owen Gavin Neil"
        ),
        _words(
            "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra "
            "Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca "
            "Sharon Laura Cynthia Amy Kathleen Angela Helen Anna Brenda Pamela Emma Nicole Samantha Katherine "
            "Christine Rachel Catherine Heather Diane Olivia Julie Joyce Victoria Lauren Kelly Megan Hannah "
            "Sophie Chloe Charlotte Amelia Lucy Grace Eleanor Fiona Siobhan Bethany"
        ),
        _words(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson "
            "Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen Wright Scott Hill Green "
            "Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins "
            "Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox "
            "Richardson Wood Watson Brooks Bennett Gray James Hughes Price Sanders Myers Long Ross Foster "
            "Powell Jenkins Perry Russell Sullivan Fisher Henderson Coleman Patterson Jordan Reynolds Hamilton "
            "Graham Wallace Cole West Owens Marshall Ellis Stevens Tucker Porter Hunter Hicks Crawford Boyd "
            "Mason Warren Dixon Burns Gordon Shaw Holmes Rice Hunt Black Palmer Lynch Doyle Walsh O'Brien "
            "O'Connor McCarthy Gallagher Kennedy Fitzgerald MacDonald Fraser Davies Hughes Lloyd Griffiths"
        ),
        _words("US US US GB GB CA AU IE NZ"),
        20,
    ),
    Culture(
        "hispanic",
        _words(
            "José Juan Carlos Luis Miguel Jorge Francisco Antonio Manuel Pedro Javier Alejandro Diego Fernando "
            "Ricardo Eduardo Roberto Sergio Andrés Pablo Raúl Alberto Rafael Daniel Gabriel Mateo Santiago "
            "Sebastián Nicolás Emilio Joaquín Ramón Héctor Guillermo Gustavo Óscar Rodrigo Marcos Ignacio "
            "João Paulo Tiago Rui Gonçalo Vítor Rodrigo Felipe Leonardo"
        ),
        _words(
            "María Ana Carmen Laura Isabel Lucía Sofía Elena Marta Paula Patricia Rosa Teresa Pilar Beatriz "
            "Cristina Gabriela Valentina Camila Daniela Alejandra Mariana Fernanda Andrea Verónica Claudia "
            "Silvia Adriana Natalia Mónica Julia Inés Raquel Lorena Rocío Nuria Ximena Catalina Juliana "
            "Beatriz Leonor Mafalda Joana Fernanda Luana"
        ),
        _words(
            "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz "
            "Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez "
            "Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín "
            "Sanz Núñez Iglesias Medina Garrido Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez "
            "Cruz Calvo Gallego Vidal León Márquez Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco "
            "Diez Caballero Reyes Nieto Aguilar Pascual Santana Herrero Montero Hidalgo Giménez Ibáñez "
            "Ferrer Durán Silva Oliveira Souza Pereira Costa Ferreira Almeida Carvalho Ribeiro Lima Araújo "
            "Barbosa Rocha Mendes Nascimento Cardoso Teixeira Correia Pinto Moura Cavalcanti Rojas Vargas "
            "Mendoza Castañeda Salazar Espinoza Contreras Aguirre Valencia Quintero Zapata Bermúdez"
        ),
        _words("ES ES MX MX AR CO PE CL VE PT BR BR"),
        13,
    ),
    Culture(
        "french_italian",
        _words(
            "Jean Pierre Michel Philippe Alain Nicolas Christophe François Laurent Julien Sébastien Olivier "
            "Thierry Mathieu Antoine Guillaume Étienne Hugo Louis Théo Giuseppe Giovanni Marco Luca Andrea "
            "Francesco Alessandro Matteo Lorenzo Stefano Paolo Roberto Davide Simone Federico Riccardo "
            "Massimo Fabio Claudio Emanuele"
        ),
        _words(
            "Marie Nathalie Isabelle Sylvie Catherine Sophie Céline Valérie Stéphanie Camille Chloé Manon "
            "Léa Juliette Élodie Aurélie Amélie Margaux Giulia Francesca Chiara Sara Martina Alessia Elisa "
            "Valentina Federica Silvia Elena Paola Roberta Giorgia Ilaria Beatrice Caterina Serena"
        ),
        _words(
            "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
            "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont "
            "Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry "
            "Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
            "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
            "De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi "
            "Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola "
            "De_Santis D'Angelo Marchetti Parisi Villa Conte Ferraro Ferri Fabbri Bianco Marini Grasso"
        ),
        _words("FR FR FR BE CH LU IT IT IT MC"),
        9,
    ),
    Culture(
        "german_dutch",
        _words(
            "Thomas Michael Andreas Stefan Peter Christian Frank Markus Jürgen Klaus Wolfgang Uwe Matthias "
            "Alexander Martin Sebastian Tobias Jan Florian Lukas Felix Maximilian Jonas Leon Niklas Tim "
            "Dirk Sven Jörg Ralf Holger Bernd Dieter Günter Hans Karl Heinz Pieter Johannes Willem Daan "
            "Bram Sander Ruud Joost Maarten"
        ),
        _words(
            "Sabine Claudia Susanne Petra Andrea Nicole Stefanie Julia Anja Birgit Katrin Monika Ursula "
            "Karin Heike Silke Sandra Christina Melanie Anna Lena Laura Lea Hannah Leonie Johanna Katharina "
            "Franziska Ingrid Renate Gisela Annika Femke Sanne Lotte Eva Anke Marieke Ingeborg"
        ),
        _words(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer "
            "Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange "
            "Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter "
            "Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich "
            "Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon "
            "Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel "
            "Heinrich Brandt Haas Schreiber Graf Dietrich Ziegler Kuhn Pohl Engel Horn Busch Bergmann "
            "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer de_Boer Mulder "
            "de_Groot Bos Vos Peters Hendriks van_Leeuwen Dekker Brouwer de_Wit Dijkstra Smits de_Graaf"
        ),
        _words("DE DE DE DE AT CH NL NL BE"),
        9,
    ),
    Culture(
        "russian_ukrainian",
        _words(
            "Aleksandr Sergey Dmitriy Andrey Aleksey Maksim Ivan Mikhail Nikolay Vladimir Yevgeniy Pavel "
            "Artem Roman Denis Igor Oleg Viktor Konstantin Anton Yuriy Vadim Vitaliy Kirill Ilya Stanislav "
            "Boris Grigoriy Leonid Valeriy Gennadiy Ruslan Timur Fedor Bogdan Taras Oleksandr Serhiy Mykola "
            "Volodymyr Yuriy Petro Vasyl Andriy Dmytro"
        ),
        _words(
            "Yelena Olga Tatyana Natalya Irina Svetlana Anna Mariya Yekaterina Yuliya Anastasiya Oksana "
            "Galina Lyudmila Marina Larisa Valentina Nadezhda Vera Lyubov Kseniya Darya Polina Alina "
            "Viktoriya Tamara Zhanna Inna Alla Nina Olena Iryna Nataliya Halyna Tetyana Khrystyna Sofiya"
        ),
        _words(
            "Ivanov Smirnov Kuznetsov Popov Vasilyev Petrov Sokolov Mikhaylov Novikov Fedorov Morozov Volkov "
            "Alekseyev Lebedev Semenov Yegorov Pavlov Kozlov Stepanov Nikolayev Orlov Andreyev Makarov "
            "Nikitin Zakharov Zaytsev Solovyev Borisov Yakovlev Grigoryev Romanov Vorobyev Sergeyev Kuzmin "
            "Frolov Aleksandrov Dmitriyev Korolev Gusev Kiselev Ilyin Maksimov Polyakov Sorokin Vinogradov "
            "Kovalev Belov Medvedev Antonov Tarasov Zhukov Baranov Filippov Komarov Davydov Belyayev Gerasimov "
            "Bogdanov Osipov Sidorov Matveyev Titov Markov Mironov Krylov Kulikov Karpov Vlasov Melnikov "
            "Denisov Gavrilov Tikhonov Kazakov Afanasyev Danilov Savelyev Timofeyev Fomin Chernov Abramov "
            "Martynov Yefimov Fedotov Shcherbakov Nazarov Kalinin Isayev Chernyshev Bykov Maslov Rodionov "
            "Kovalenko Bondarenko Tkachenko Kravchenko Shevchenko Boyko Kovalchuk Oliynyk Shevchuk Polishchuk "
            "Lysenko Marchenko Rudenko Savchenko Petrenko Moroz Melnyk Pavlenko Klymenko Levchenko Kharchenko"
        ),
        _words("RU RU RU RU UA UA BY KZ LV"),
        10,
    ),
    Culture(
        "polish",
        _words(
            "Piotr Krzysztof Andrzej Tomasz Paweł Marcin Michał Grzegorz Jakub Adam Łukasz Marek Kamil "
            "Mateusz Wojciech Dariusz Rafał Jan Maciej Szymon Bartosz Sławomir Zbigniew Jerzy Tadeusz"
        ),
        _words(
            "Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena Elżbieta Joanna Aleksandra "
            "Monika Zofia Teresa Danuta Natalia Karolina Marta Beata Dorota Justyna Paulina Weronika Halina"
        ),
        _words(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak "
            "Dąbrowski Kozłowski Jankowski Mazur Wojciechowski Kwiatkowski Krawczyk Kaczmarek Piotrowski "
            "Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski Majewski Olszewski "
            "Stępień Malinowski Jaworski Adamczyk Dudek Nowicki Pawlak Górski Witkowski Walczak Sikora Baran "
            "Rutkowski Michalak Szewczyk Ostrowski Tomaszewski Pietrzak Zalewski Wróblewski"
        ),
        _words("PL PL PL PL DE GB"),
        5,
    ),
    Culture(
        "arabic",
        _words(
            "Mohammed Mohamed Muhammad Ahmed Ahmad Ali Omar Umar Khalid Hassan Hussein Ibrahim Youssef Yusuf "
            "Abdullah Abdulrahman Abdelaziz Abdelkader Mahmoud Mustafa Karim Tariq Said Saeed Nasser Faisal "
            "Hamza Bilal Adel Samir Walid Rami Ziad Sami Fadi Jamal Nabil Hisham Marwan Majid Rashid Salem "
            "Sultan Fahad Mansour Anas Osama Waleed Yasser Amr Ayman Hani Imad Issa Jaber Kamal Latif"
        ),
        _words(
            "Fatima Aisha Maryam Mariam Zainab Khadija Nour Noor Layla Leila Amina Salma Huda Rania Dina "
            "Hanan Yasmin Samira Mona Rasha Lina Reem Sara Hind Nadia Farah Jana Dalia Asma Sawsan Widad "
            "Ghada Lubna Manal Nisreen Abeer Haifa Shatha Suha"
        ),
        _words(
            "Al-Sayed Al-Masri Al-Hashimi Al-Zahrani Al-Ghamdi Al-Harbi Al-Qahtani Al-Otaibi Al-Shammari "
            "Al-Dosari Al-Mutairi Al-Rashid Al-Khatib Al-Hussaini Al-Najjar Al-Haddad Al-Khoury Al-Amin "
            "Haddad Khoury Nasser Saleh Mansour Hamdan Khalil Darwish Aziz Karam Bakr Sabbagh Haddadin Jaber "
            "Qasim Barakat Shaheen Odeh Masri Zayed Farouk Abboud Issa Awad Suleiman Hijazi Obeid Rahal "
            "Tamimi Nassar Kanaan Salameh Bitar Hamad El-Sayed El-Masry El-Din Abdel-Rahman Abdel-Aziz "
            "Benali Benjelloun Bennani El_Amrani Alaoui Tazi Chraibi Berrada Lahlou Belkacem Bouzid "
            "Mebarki Hamidi Saidi Toumi Cherif Bouazza Gharbi Trabelsi Jaziri Ben_Salah Ben_Youssef"
        ),
        _words("AE SA EG JO LB MA DZ TN IQ KW QA OM"),
        9,
    ),
    Culture(
        "persian",
        _words(
            "Mohammad Ali Reza Hossein Mehdi Hamid Saeed Amir Majid Hassan Mahmoud Javad Ahmad Mostafa "
            "Behnam Babak Kamran Farhad Dariush Kourosh Arash Payam Omid Navid Pouya Siavash Shahram Bijan"
        ),
        _words(
            "Maryam Fatemeh Zahra Sara Narges Leila Mina Shirin Parisa Nasrin Azadeh Roya Neda Samira Elham "
            "Mahsa Negar Yasaman Shadi Golnaz Parvaneh Mitra Homa Soheila Tahmineh"
        ),
        _words(
            "Hosseini Mohammadi Ahmadi Rezaei Moradi Karimi Jafari Rahimi Hashemi Mousavi Ghorbani Sadeghi "
            "Heidari Abbasi Kazemi Nouri Ebrahimi Azizi Rostami Amini Bagheri Najafi Zamani Akbari Asadi "
            "Shirazi Tehrani Esfahani Farahani Kashani Soltani Yazdani Rahmani Safavi Tavakoli Golzari"
        ),
        _words("IR IR DE GB US CA SE AE"),
        3,
    ),
    Culture(
        "turkish",
        _words(
            "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil "
            "Süleyman Emre Burak Can Kerem Serkan Volkan Oğuz Barış Cem Tolga Deniz Umut Onur Kaan Selim"
        ),
        _words(
            "Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Sultan Hanife Merve Büşra Esra Ebru Özlem "
            "Derya Gül Sevgi Seda Pınar Aslı Ceren Dilek Gamze Tuğba"
        ),
        _words(
            "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan "
            "Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Erdoğan Yavuz Can Acar Aktaş Güneş Bulut"
        ),
        _words("TR TR TR DE NL AT"),
        4,
    ),
    Culture(
        "indian",
        _words(
            "Rahul Amit Rajesh Suresh Ramesh Vijay Sanjay Anil Sunil Arjun Rohit Vikram Ajay Manoj Deepak "
            "Ravi Sandeep Nikhil Aditya Karan Pradeep Ashok Prakash Harish Gaurav Abhishek Mahesh Naveen "
            "Sachin Varun Arun Kiran Imran Farhan Gurpreet Harpreet"
        ),
        _words(
            "Priya Anjali Pooja Neha Sunita Kavita Anita Rekha Deepa Divya Swati Shweta Meera Lakshmi "
            "Aishwarya Nisha Ritu Sneha Shreya Aarti Geeta Radha Sita Pallavi Jyoti Komal Simran"
        ),
        _words(
            "Sharma Verma Gupta Singh Kumar Patel Shah Mehta Joshi Agarwal Reddy Rao Nair Iyer Menon Pillai "
            "Chatterjee Banerjee Mukherjee Das Bose Sen Ghosh Mishra Pandey Tiwari Dubey Saxena Malhotra "
            "Kapoor Khanna Chopra Bhatia Sethi Arora Kaur Gill Sandhu Desai Jain Naidu Krishnan Subramanian"
        ),
        _words("IN IN IN IN GB US AE SG"),
        5,
    ),
    Culture(
        "chinese",
        _words(
            "Wei Jie Jun Yong Lei Tao Bin Hao Peng Chao Ming Qiang Gang Hui Jian Feng Long Bo Kai Xin "
            "Zhiwei Jianguo Jianhua Xiaoming Haoran Yuxuan Zihao Junjie Jiahao Yifan Zhihao Wenbo Tianyu "
            "Guoqiang Zhiqiang Weidong Hongwei Jianjun Dongsheng"
        ),
        _words(
            "Fang Li Na Jing Ying Yan Hong Mei Xia Lan Juan Ling Xue Yun Qing Ting Lin Hui Min Yue "
            "Xiaohong Xiaoyan Lihua Yuqing Jiayi Xinyi Yutong Zixuan Shuang Meiling Xiuying Guilan Yumei"
        ),
        _words(
            "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang "
            "Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Yu Jiang Cai Du Ye Cheng Wei "
            "Su Lu Ding Ren Shen Yao Lu Jiang Cui Zhong Tan Fan Wang Liao Shi Jin Jia Xia Fu Fang Zou Xiong "
            "Bai Meng Qin Qiu Hou Jiang Yin Xue Yan Duan Lei Long Li Shao Chan Wong Leung Cheung Chan Ng"
        ),
        _words("CN CN CN CN HK TW SG MY"),
        9,
        family_first=True,
    ),
    Culture(
        "korean",
        _words(
            "Min-jun Seo-jun Do-yun Ye-jun Si-woo Ha-jun Ji-ho Jun-seo Jun-woo Hyun-woo Ji-hoon Sung-min "
            "Dong-hyun Jae-won Young-ho Sang-woo Seung-hyun Jin-woo Tae-yang Kyung-soo Chul-soo Young-soo"
        ),
        _words(
            "Seo-yeon Ji-woo Ha-eun Seo-yun Min-seo Ji-yoo Yoon-seo Chae-won Su-bin Ji-min Eun-ji Hye-jin "
            "Soo-jin Min-ji Ye-eun Yu-na Da-eun Jung-hee Mi-kyung Young-hee"
        ),
        _words(
            "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Jeon Hong "
            "Yoo Ko Moon Yang Son Bae Baek Heo Nam Noh"
        ),
        _words("KR KR KR KR US"),
        4,
        family_first=True,
    ),
    Culture(
        "vietnamese",
        _words("Minh Tuan Hung Dung Hai Nam Long Quang Thanh Duc Khanh Phong Trung Vinh Bao Huy Dat"),
        _words("Lan Huong Linh Mai Thu Hoa Ngoc Trang Thao Hanh Phuong Anh Van Yen Nhung Hien"),
        _words("Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly"),
        _words("VN VN VN US FR AU"),
        3,
        family_first=True,
    ),
)
_VIETNAMESE_MIDDLE = _words("Van Thi Duc Minh Quoc Ngoc Thanh Huu")

COMPANY_WORDS = _words(
    "Atlas Apex Summit Pioneer Horizon Meridian Northern Southern Eastern Western Global Pacific Atlantic "
    "Continental Premier United Allied Golden Silver Blue Green Red Royal Crown Star Sun Silk Harbor "
    "Oak Cedar Maple Pine River Lake Stone Bridge Gateway Beacon Anchor Compass Vector Quantum Nova "
    "Orion Phoenix Falcon Eagle Lion Tiger Dragon Lotus Jade Pearl Crystal Diamond Emerald Sapphire "
    "Alpine Nordic Baltic Iberian Adriatic Danube Rhine Thames Hudson Delta Sierra Vista Alto Terra "
    "Bright Smart Prime Swift Solid Trust Fair Clear Fresh Urban Metro Coastal Highland Valley Evergreen"
)
COMPANY_SECTORS = _words(
    "Logistics Trading Consulting Solutions Technologies Systems Software Engineering Construction "
    "Holdings Investments Capital Partners Industries Manufacturing Foods Textiles Pharma Medical "
    "Energy Electric Motors Auto Shipping Freight Transport Travel Media Design Studio Services "
    "Properties Realty Estates Farms Agro Chemicals Metals Plastics Packaging Imports Exports Retail "
    "Bakery Restaurant Hotels Clinic Dental Labs Security Telecom Networks Electronics Furniture"
)
# Legal forms by country: how a customer's company name ends.
LEGAL_FORMS = {
    "US": ("LLC", "Inc.", "Corp.", "Co.", "L.P."),
    "GB": ("Ltd", "Limited", "LLP", "PLC"),
    "CA": ("Inc.", "Ltd."),
    "AU": ("Pty Ltd",),
    "IE": ("Ltd", "DAC"),
    "DE": ("GmbH", "AG", "GmbH & Co. KG", "UG"),
    "AT": ("GmbH", "AG"),
    "CH": ("AG", "GmbH", "SA", "Sàrl"),
    "NL": ("B.V.", "N.V."),
    "BE": ("BV", "SA", "SRL"),
    "FR": ("SAS", "SARL", "S.A.", "EURL"),
    "IT": ("S.r.l.", "S.p.A.", "S.n.c."),
    "ES": ("S.L.", "S.A."),
    "PT": ("Lda", "S.A."),
    "BR": ("Ltda", "S.A.", "Eireli"),
    "MX": ("S.A. de C.V.", "S. de R.L."),
    "PL": ("Sp. z o.o.", "S.A."),
    "RU": ("OOO", "AO", "LLC"),
    "UA": ("TOV", "LLC"),
    "TR": ("A.Ş.", "Ltd. Şti."),
    "AE": ("LLC", "FZE", "FZCO", "DMCC"),
    "SA": ("Co.", "LLC"),
    "IN": ("Pvt Ltd", "Private Limited", "LLP"),
    "CN": ("Co., Ltd.", "Limited"),
    "HK": ("Limited", "Co., Limited"),
    "SG": ("Pte Ltd",),
    "KR": ("Co., Ltd.", "Corporation"),
    "JP": ("K.K.", "Co., Ltd."),
    "SE": ("AB",),
    "DK": ("ApS", "A/S"),
    "NO": ("AS",),
}
COMPANY_COUNTRIES = tuple(LEGAL_FORMS)
SEGMENTS = ("retail", "retail", "retail", "private", "business", "corporate")


# ---- the ordinary customers -----------------------------------------------------------------------


def _person(rng: random.Random, number: int) -> Customer:
    culture = rng.choices(CULTURES, weights=[c.weight for c in CULTURES])[0]
    female = rng.random() < 0.5
    given = rng.choice(culture.female if female else culture.male)
    family = rng.choice(culture.family)
    if culture.name == "russian_ukrainian" and female and family.endswith(("ov", "ev", "in")):
        family += "a"
    elif culture.name == "polish" and female and family.endswith("ski"):
        family = family[:-1] + "a"
    parts: list[str]
    if culture.family_first:
        if culture.name == "vietnamese":
            parts = [family, rng.choice(_VIETNAMESE_MIDDLE), given]
        else:
            parts = [family, given]
        if culture.name == "chinese" and rng.random() < 0.15:  # the Western order, as many forms ask
            parts.reverse()
    else:
        parts = [given]
        roll = rng.random()
        if culture.name == "hispanic":
            if roll < 0.25:
                parts.append(rng.choice(culture.female if female else culture.male))
            parts.append(family)
            if rng.random() < 0.5:
                parts.append(rng.choice(culture.family))
        elif culture.name == "arabic":
            if roll < 0.5:  # the father's name
                parts.append(rng.choice(culture.male))
            parts.append(family)
        elif culture.name == "russian_ukrainian" and roll < 0.3:  # a patronymic
            father = rng.choice(culture.male)
            if father.endswith(("iy", "ey", "ay", "y")):  # Dmitriy -> Dmitrievich, Sergey -> Sergeevich
                patronymic = father[:-1] + ("evna" if female else "evich")
            else:
                patronymic = father + ("ovna" if female else "ovich")
            parts.append(patronymic)
            parts.append(family)
        elif culture.name in ("english", "german_dutch") and roll < 0.2:  # a middle name or an initial
            middle = rng.choice(culture.female if female else culture.male)
            parts.append(middle if rng.random() < 0.5 else middle[0] + ".")
            parts.append(family)
        else:
            parts.append(family)
    birth_dates: tuple[str, ...] = ()
    if rng.random() < 0.5:
        born = date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 72))
        birth_dates = (born.isoformat(),)
    countries = (rng.choice(culture.countries),) if rng.random() < 0.5 else ()
    return Customer(
        id=f"C{number:07d}",
        schema=Schema.PERSON.value,
        names=(" ".join(parts),),
        birth_dates=birth_dates,
        countries=countries,
        attributes={"segment": rng.choice(SEGMENTS[:4])},
    )


def _company(rng: random.Random, number: int) -> Customer:
    country = rng.choice(COMPANY_COUNTRIES)
    form = rng.choice(LEGAL_FORMS[country])
    roll = rng.random()
    culture = rng.choices(CULTURES, weights=[c.weight for c in CULTURES])[0]
    if roll < 0.35:
        stem = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SECTORS)}"
    elif roll < 0.55:
        stem = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SECTORS)}"
    elif roll < 0.75:
        stem = f"{rng.choice(culture.family)} {rng.choice(COMPANY_SECTORS)}"
    elif roll < 0.85:
        stem = f"{rng.choice(culture.family)} & {rng.choice(culture.family)}"
    elif roll < 0.93:
        stem = f"{rng.choice(culture.family)} {rng.choice(('& Sons', 'Brothers', 'Group', 'Family Office'))}"
    else:  # an initialism and a sector: "KMT Logistics"
        letters = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTVW") for _ in range(rng.randint(2, 4)))
        stem = f"{letters} {rng.choice(COMPANY_SECTORS)}"
    return Customer(
        id=f"C{number:07d}",
        schema=Schema.COMPANY.value,
        names=(f"{stem} {form}",),
        countries=(country,) if rng.random() < 0.5 else (),
        attributes={"segment": rng.choice(SEGMENTS[4:])},
    )


def ordinary_customers(count: int, seed: int) -> list[Customer]:
    rng = random.Random(seed)
    return [
        _company(rng, number) if rng.random() < COMPANY_SHARE else _person(rng, number)
        for number in range(1, count + 1)
    ]


# ---- the listed parties and their planted customers --------------------------------------------------

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
VARIANTS = ("reordered", "typo", "case")


@dataclass(frozen=True, slots=True)
class Planted:
    customer: Customer
    entity_id: str  # the listed party it is a variant of
    listed_name: str
    variant: str
    new: bool  # a variant of a new party (the delta must find it) or of an old one (the full must)


def primary_name(entity: Entity) -> str:
    for name in entity.names:
        if name.kind == NameKind.PRIMARY and name.quality != NameQuality.WEAK:
            return name.full
    return entity.names[0].full


def choose_parties(
    screener: Screener, new_count: int, old_count: int, seed: int
) -> tuple[list[Entity], list[Entity]]:
    """`new_count` new and `old_count` old parties, half persons and half organizations, one per party
    (two records the index links as one party are never both chosen), seeded."""
    index = screener.index
    rng = random.Random(seed)
    persons: list[int] = []
    organizations: list[int] = []
    for position, entity in enumerate(index.entities):
        if not entity.names:
            continue
        if entity.schema == Schema.PERSON:
            persons.append(position)
        elif entity.schema in ORGANIZATION_SCHEMAS:
            organizations.append(position)
    rng.shuffle(persons)
    rng.shuffle(organizations)
    taken: set[int] = set()

    def draw(pool: list[int], count: int) -> list[Entity]:
        out: list[Entity] = []
        while pool and len(out) < count:
            position = pool.pop()
            party = index.parties.party_of[position]
            if party not in taken:
                taken.add(party)
                out.append(index.entities[position])
        return out

    new = draw(persons, (new_count + 1) // 2) + draw(organizations, new_count // 2)
    old = draw(persons, (old_count + 1) // 2) + draw(organizations, old_count // 2)
    return new, old


def _typo(rng: random.Random, name: str, organization: bool) -> str:
    """One slip in the longest distinctive word: a letter replaced, or two neighbours swapped (never the
    first letter). Distinctive: a token the matcher compares, not a legal form or a stopword (a typo in
    "Limited Liability Company" undoes its canonical "llc": a finding of its own, not this bench's)."""
    words = name.split(" ")
    kept = {
        token
        for form in name_forms(name, organization=organization)
        for token in form.tokens
        if not is_noise(token)
    }
    distinctive = [i for i, w in enumerate(words) if re.sub(r"[^a-z0-9]", "", ascii_fold(w).lower()) in kept]
    longest = max(distinctive or range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    letters = [i for i in range(1, len(word)) if word[i].isalpha()]
    if not letters:
        return name + "x"
    i = rng.choice(letters)
    if rng.random() < 0.5 and i + 1 < len(word) and word[i + 1].isalpha() and word[i] != word[i + 1]:
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        replacement = rng.choice([c for c in _KEYBOARD if c != word[i].lower()])
        word = word[:i] + (replacement.upper() if word[i].isupper() else replacement) + word[i + 1 :]
    words[longest] = word
    return " ".join(words)


def _reordered(name: str, organization: bool) -> str:
    """As a bank's record would have it: "UMAROV, Doku" -> "Doku Umarov"; organizations without
    punctuation, in title case."""
    if organization:
        return " ".join(re.sub(r"[.,;]", " ", name).split()).title()
    if "," in name:
        family, given = name.split(",", 1)
        parts = [*given.split(), *family.split()]
    else:
        parts = name.split()
        parts = parts[-1:] + parts[:-1] if len(parts) > 1 else parts
    return " ".join(p.capitalize() if p.isupper() else p for p in parts)


def _other_case(name: str) -> str:
    return name.lower() if sum(c.isupper() for c in name) > sum(c.islower() for c in name) else name.upper()


def planted_customers(entities: Sequence[Entity], *, new: bool, seed: int) -> list[Planted]:
    rng = random.Random(seed + (1 if new else 2))
    out: list[Planted] = []
    for number, entity in enumerate(entities):
        listed = primary_name(entity)
        organization = entity.schema in ORGANIZATION_SCHEMAS
        variant = VARIANTS[number % len(VARIANTS)]
        if variant == "reordered":
            name = _reordered(listed, organization)
        elif variant == "typo":
            name = _typo(rng, listed.replace(",", ""), organization)
        else:
            name = _other_case(listed)
        birth_dates: tuple[str, ...] = ()
        countries: tuple[str, ...] = ()
        if not organization:
            dates = [d.value for d in entity.birth_dates if _DATE.match(d.value) and not d.end]
            if dates and number % 2 == 0:
                birth_dates = (dates[0],)
            if entity.nationalities and number % 4 == 0:
                countries = (entity.nationalities[0].upper(),)
        customer = Customer(
            id=f"CP{'N' if new else 'O'}{number:05d}",
            schema=Schema.PERSON.value if not organization else Schema.COMPANY.value,
            names=(name,),
            birth_dates=birth_dates,
            countries=countries,
            attributes={"segment": "business" if organization else "retail"},
        )
        out.append(Planted(customer, entity.id, listed, variant, new))
    return out


# ---- measuring ------------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def with_progress(customers: Iterable[Customer], total: int, label: str) -> Iterator[Customer]:
    started = time.perf_counter()
    for done, customer in enumerate(customers, 1):
        yield customer
        if done % PROGRESS_EVERY == 0:
            elapsed = time.perf_counter() - started
            _log(f"  {label}: {done:,} / {total:,} in {elapsed:.0f} s ({done / elapsed:,.0f}/s)")


def screening_progress(total: int, label: str) -> Callable[[int], None]:
    """A Monitor progress callback printing about every PROGRESS_EVERY customers, with an estimate."""
    started = time.perf_counter()
    last = 0

    def report(done: int) -> None:
        nonlocal last
        if done // PROGRESS_EVERY > last // PROGRESS_EVERY or done == total:
            elapsed = time.perf_counter() - started
            rate = done / elapsed if elapsed else 0.0
            left = (total - done) / rate if rate else float("nan")
            _log(f"  {label}: {done:,} / {total:,} in {elapsed:.0f} s ({rate:,.0f}/s, ~{left:.0f} s left)")
        last = done

    return report


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended (the workers)."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def copy_registry(url: str, scratch: Path) -> str:
    """A copy of the SQLite registry at `url` in `scratch` (with its -wal, if any): the bench writes."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise SystemExit(f"--db: a SQLite file URL is needed (sqlite:////path/registry.db), not {url}")
    source = Path(parsed.database)
    if not source.exists():
        raise SystemExit(f"--db: {source} does not exist")
    target = scratch / "registry.db"
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return f"sqlite:///{target}"


def database_mb(engine: Engine, path: Path) -> float:
    """The SQLite file's size after a checkpoint has moved the write-ahead log into it."""
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def alerted(engine: Engine, planted: Sequence[Planted]) -> set[str]:
    """Planted customers with an alert (any run) on the party they were made from."""
    wanted = {p.customer.id: p.entity_id for p in planted}
    found: set[str] = set()
    a = t.alerts.c
    with engine.connect() as conn:
        rows = conn.execute(select(a.customer_id, a.entity_id, a.source_ids).where(a.customer_id.in_(wanted)))
        for customer_id, entity_id, source_ids in rows:
            if wanted[customer_id] == entity_id or wanted[customer_id] in (source_ids or ()):
                found.add(customer_id)
    return found


def run_alerted(run: ScreeningRun, planted: Sequence[Planted]) -> set[str]:
    wanted = {p.customer.id: p.entity_id for p in planted}
    return {
        a["customer_id"]
        for a in run.alerts
        if a["customer_id"] in wanted
        and (wanted[a["customer_id"]] == a["entity_id"] or wanted[a["customer_id"]] in a["source_ids"])
    }


def explain_misses(screener: Screener, planted: Sequence[Planted], missed: set[str], label: str) -> None:
    """For each planted customer not found: its name, the listed name, and its best score on the party."""
    for p in planted:
        if p.customer.id not in missed:
            continue
        hits = screen_party(screener, p.customer.party(), threshold=0.0, limit=50)
        score = next(
            (h.score for h in hits if h.entity_id == p.entity_id or p.entity_id in h.source_ids), None
        )
        shown = "not in its 50 best" if score is None else f"score {score:.3f}"
        _log(
            f"  {label} missed {p.customer.id} ({p.variant}): {p.customer.name!r} <- {p.listed_name!r}: {shown}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", help="SQLite URL of a registry holding the lists (copied; default: build one)"
    )
    parser.add_argument("--customers", type=int, default=TARGET_CUSTOMERS, help="ordinary customers")
    parser.add_argument("--parties", type=int, default=100, help="new listed parties for the delta")
    parser.add_argument("--planted-old", type=int, default=20, help="planted variants of old parties")
    parser.add_argument("--workers", type=int, default=None, help="Monitor workers (default: its own)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--skip-full", action="store_true", help="no full re-screen")
    parser.add_argument("--no-write", action="store_true", help=f"do not append to {RESULTS.name}")
    args = parser.parse_args()
    command = command_line("bench.monitoring_speed")
    machine = (
        f"{nproc()} cores, {cpu_model()}, {platform.python_implementation()} {platform.python_version()}"
    )
    revision = git_revision()
    print(f"command: {command}\nmachine: {machine}; code: {revision}\n", flush=True)
    load_start = os.getloadavg()[0]
    reference_start = cpu_reference()
    rows: list[Row] = []
    run_started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="sw-monitor-") as scratch_dir:
        scratch = Path(scratch_dir)
        if args.db:
            url = copy_registry(args.db, scratch)
            rows.append(Row("registry", "copied", note=f"{args.db} copied to a scratch file"))
        else:
            url = f"sqlite:///{scratch / 'registry.db'}"
            _log("building the full registry (OFAC SDN + consolidated, UN, UK) ...")
            (_built, _peak), build_s = timed(lambda: build_registry(url, LIST_FILES))
            rows.append(Row("registry build (4 files)", f"{build_s:.1f} s", note="not a target"))
        db_path = Path(make_url(url).database or "")
        registry = Registry.open(url)
        engine = registry.engine
        registry_mb = database_mb(engine, db_path)

        # The index.
        _log("building the index (Screener.from_registry) ...")
        screener, index_s = timed(lambda: Screener.from_registry(registry))
        versions = {v.source: v.number for v in registry.active_versions()}
        entities = len(screener.index.entities)
        rows.append(
            Row(
                "index build: Screener.from_registry",
                f"{index_s:.2f} s",
                note=f"{entities:,} listed parties ({', '.join(f'{s} v{n}' for s, n in sorted(versions.items()))}); "
                "loading + building, once per list update, not in the delta's figure",
            )
        )

        # The parties and the customers.
        new_parties, old_parties = choose_parties(screener, args.parties, args.planted_old, args.seed)
        planted_new = planted_customers(new_parties, new=True, seed=args.seed)
        planted_old = planted_customers(old_parties, new=False, seed=args.seed)
        planted = planted_new + planted_old
        _log(f"generating {args.customers:,} customers + {len(planted)} planted ...")
        customers, generate_s = timed(lambda: ordinary_customers(args.customers, args.seed))
        customers.extend(p.customer for p in planted)
        total = len(customers)
        persons = sum(c.schema == Schema.PERSON for c in customers)
        distinct = len({c.name for c in customers})
        rows.append(
            Row(
                "customers",
                f"{total:,}",
                note=f"{args.customers:,} generated (seed {args.seed}, {generate_s:.1f} s, not timed below): "
                f"{persons:,} persons, {total - persons:,} companies, {distinct:,} distinct names; "
                f"+ {len(planted_new)} planted variants of the new parties, {len(planted_old)} of old ones",
            )
        )

        # Import.
        _log(f"importing {total:,} customers (Customers.upsert) ...")
        (summary, _changed), import_s = timed(
            lambda: Customers(engine).upsert(with_progress(customers, total, "import"))
        )
        size_mb = database_mb(engine, db_path)
        rows.append(
            Row(
                "import: Customers.upsert",
                f"{total / import_s:,.0f} customers/s",
                note=f"{import_s:.1f} s for {summary.added:,} added ({summary.rejected} rejected); rows, "
                "name tokens, identifiers, lookup keys of new vocabulary",
            )
        )
        rows.append(
            Row(
                "database size after import",
                f"{size_mb:,.0f} MB",
                note=f"SQLite, WAL checkpointed; the registry alone {registry_mb:,.0f} MB "
                f"(+{(size_mb - registry_mb) * 1e6 / total:,.0f} bytes per customer)",
            )
        )
        customers.clear()  # the generated customers: memory back for the runs

        # Delta.
        monitor = Monitor(engine, screener, versions, workers=args.workers)
        ids = [e.id for e in new_parties]
        _log(f"delta: {len(ids)} new parties against {total:,} customers ...")
        # Monitor.delta calls self.candidates_for: timed through a wrapper on this instance (the code
        # under test is not changed), to split candidate retrieval from screening and alerting.
        retrieval: list[tuple[set[str], float]] = []
        unwrapped = monitor.candidates_for

        def candidates_for(parties: Sequence[Entity]) -> set[str]:
            found, seconds = timed(lambda: unwrapped(parties))
            retrieval.append((found, seconds))
            return set(found)

        setattr(monitor, "candidates_for", candidates_for)  # noqa: B010 (mypy: no assigning to a method)
        cpu_before = cpu_seconds()
        delta = monitor.delta(ids)
        delta_cpu = cpu_seconds() - cpu_before
        setattr(monitor, "candidates_for", unwrapped)  # noqa: B010
        [(candidates, candidates_s)] = retrieval
        screening_s = delta.seconds - candidates_s
        delta_found = run_alerted(delta, planted_new)
        delta_old = run_alerted(delta, planted_old)
        at_target = args.parties == 100 and total >= TARGET_CUSTOMERS
        rows.append(
            Row(
                f"delta: {delta.parties} new parties vs {total:,} customers",
                f"{delta.seconds:.2f} s",
                "<= 10 s (100 parties, 1,000,000 customers)",
                (_met(delta.seconds <= DELTA_TARGET_S) if at_target else "target not read at this N")
                + f"; Monitor.delta: candidate retrieval + screening of the candidates + alerts; "
                f"{monitor.workers} workers, CPU {delta_cpu:.2f} s",
            )
        )
        rows.append(
            Row(
                "delta: candidate retrieval (candidates_for, inside that run)",
                f"{candidates_s:.2f} s",
                note=f"{len(candidates):,} candidates ({len(candidates) / total:.2%} of the customers)",
            )
        )
        rows.append(
            Row(
                "delta: screening the candidates + alerts (the rest of that run)",
                f"{screening_s:.2f} s",
                note=f"{delta.customers:,} customers screened ({delta.customers / max(screening_s, 1e-9):,.0f}/s)",
            )
        )
        planted_candidates = sum(p.customer.id in candidates for p in planted_new)
        ordinary_alerts = sum(not a["customer_id"].startswith("CP") for a in delta.alerts)
        rows.append(
            Row(
                "delta: planted found (recall on planted variants of the new parties)",
                f"{len(delta_found)} / {len(planted_new)}",
                note=f"{planted_candidates} / {len(planted_new)} among the candidates; by variant: "
                + ", ".join(
                    f"{v} {sum(p.customer.id in delta_found for p in planted_new if p.variant == v)}/"
                    f"{sum(p.variant == v for p in planted_new)}"
                    for v in VARIANTS
                )
                + f"; planted variants of old parties alerted by the delta: {len(delta_old)} (must be 0)",
            )
        )
        rows.append(
            Row(
                "delta: alerts created",
                f"{len(delta.alerts):,}",
                note=f"{delta.hits:,} hits on the new parties; {ordinary_alerts:,} alerts on generated "
                f"customers (lookalike names), {len(delta.failed)} failed",
            )
        )
        if delta.failed:
            _log(f"  delta failures (first 5): {delta.failed[:5]}")
        explain_misses(screener, planted_new, {p.customer.id for p in planted_new} - delta_found, "delta")

        # Full.
        if args.skip_full:
            rows.append(Row("full re-screen", "not run (--skip-full)", "<= 5 min for 1,000,000"))
        else:
            _log(f"full re-screen of {total:,} customers (Monitor.full, {monitor.workers} workers) ...")
            cpu_before = cpu_seconds()
            full = monitor.full(progress=screening_progress(total, "full"))
            full_cpu = cpu_seconds() - cpu_before
            rate = full.customers / full.seconds
            projected = TARGET_CUSTOMERS / rate
            rows.append(
                Row(
                    f"full re-screen: {full.customers:,} customers",
                    f"{full.seconds:.1f} s = {rate:,.0f} customers/s",
                    "<= 5 min for 1,000,000 (>= 3,333 customers/s)",
                    f"{_met(projected <= FULL_TARGET_S)}: 1,000,000 at this rate = {projected:.0f} s "
                    f"({projected / FULL_TARGET_S:.2f}x the target); Monitor.full, {monitor.workers} workers, "
                    f"CPU {full_cpu:.0f} s = {full_cpu / full.seconds:.2f} cores busy",
                )
            )
            after = alerted(engine, planted)
            old_found = sum(p.customer.id in after for p in planted_old)
            new_found = sum(p.customer.id in after for p in planted_new)
            rows.append(
                Row(
                    "full: planted found (old parties; new parties)",
                    f"{old_found} / {len(planted_old)}; {new_found} / {len(planted_new)}",
                    note="a planted customer with an alert on its party after the full run (new parties: "
                    "mostly already alerted by the delta)",
                )
            )
            rows.append(
                Row(
                    "full: alerts created / already alerted / failed",
                    f"{len(full.alerts):,} / {full.already_alerted:,} / {len(full.failed)}",
                    note=f"{full.hits:,} hits (<= {HITS_PER_CUSTOMER} per customer); customers with an alert: "
                    f"{len({a['customer_id'] for a in full.alerts}):,} "
                    f"({len({a['customer_id'] for a in full.alerts}) / total:.2%})",
                )
            )
            explain_misses(screener, planted_old, {p.customer.id for p in planted_old} - after, "full")
        registry.close()

    rows.append(
        Row(
            "peak RSS (VmHWM)",
            f"{proc_status_mb('VmHWM'):,.0f} MB",
            note="index + generated customers held in memory + the runs",
        )
    )
    rows.append(
        Row(
            "whole benchmark run",
            f"{time.perf_counter() - run_started:.0f} s",
            note=f"1-min load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end "
            "(other work on the machine slows the figures above)",
        )
    )
    rows.append(
        Row(
            "CPU reference: 10 M-step pure-Python loop, best of 3",
            f"{reference_start:.2f} s at start, {cpu_reference():.2f} s at end",
            note="as in bench.screening_speed: compare runs only at similar values",
        )
    )
    table = render(rows)
    print("\n" + table)
    if not args.no_write:
        section = (
            f"\n## Customer monitoring: delta and full re-screen, {args.customers:,} customers, "
            f"{date.today().isoformat()}\n\n"
            "Targets (2 cores): delta screening of 100 new listed parties against 1,000,000 customers <= 10 s; "
            "full re-screen of 1,000,000 customers against the full registry <= 5 min.\n"
            f"Machine: {machine}. Code: {revision}. CPU reference {reference_start:.2f} s.\n"
            f"Command: `{command}`\n\n"
            f"{table}\n"
        )
        existing = RESULTS.read_text(encoding="utf-8")
        RESULTS.write_text(existing.rstrip("\n") + "\n" + section, encoding="utf-8")
        print(f"\nappended to {RESULTS.relative_to(RESULTS.parents[1])}")


def render(rows: Sequence[Row]) -> str:
    lines = ["| measure | result | target | notes |", "|---|---|---|---|"]
    lines += [f"| {r.measure} | {r.result} | {r.target} | {r.note} |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
